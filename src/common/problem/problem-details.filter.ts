import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainException, problemType, statusForCode } from './domain.exception.js';
import { httpProblem, sendProblem, statusTitle, type ProblemDetails } from './problem.js';
import { ValidationFailedException } from './validation.js';

/** Answers "which methods does this path accept?" for a 405 (set up in configureApp). */
export type AllowedMethods = (path: string) => string[];

/** Told of every refusal (403) and every 404, e.g. to audit them (set up in configureApp); never delays the answer. */
export type ForbiddenListener = (req: Request, problem: ProblemDetails) => void;

/**
 * The one place that turns any exception into an RFC 9457 answer. Unexpected
 * errors become a generic 500 carrying only the request id; the details go to
 * the log, never to the client.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  constructor(
    private readonly allowedMethods: AllowedMethods = () => [],
    private readonly onForbidden: ForbiddenListener = () => undefined,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const { problem, headers } = this.toProblem(exception, req);
    if (problem.status >= 500 && problem.status !== 503) {
      this.logger.error(
        { err: exception, requestId: req.id, method: req.method, url: req.originalUrl },
        exception instanceof Error ? exception.message : 'non-error thrown',
      );
    }
    sendProblem(res, problem, headers);
    if (problem.status === 403 || problem.status === 404) {
      try {
        this.onForbidden(req, problem);
      } catch (error) {
        this.logger.error({ err: error }, 'recording a refusal failed');
      }
    }
  }

  private toProblem(exception: unknown, req: Request): { problem: ProblemDetails; headers?: Record<string, string> } {
    if (exception instanceof DomainException) {
      const status = statusForCode(exception.code);
      return {
        problem: {
          type: problemType(exception.code),
          title: statusTitle(status),
          status,
          detail: exception.message,
          ...exception.extensions,
        },
        headers: exception.headers,
      };
    }
    if (exception instanceof ValidationFailedException) {
      return { problem: httpProblem(400, exception.message, { errors: exception.errors }) };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404 && isUnmatchedRoute(exception)) {
        const path = req.originalUrl.split('?')[0].slice(0, 200);
        const allow = this.allowedMethods(path);
        if (allow.length > 0) {
          return {
            problem: httpProblem(405, `${req.method} is not supported on ${path}; use ${allow.join(', ')}`),
            headers: { Allow: allow.join(', ') },
          };
        }
        return { problem: httpProblem(404, `No route ${req.method} ${path}`) };
      }
      if (status >= 500) return { problem: internalProblem(req, status) };
      return { problem: httpProblem(status, messageOf(exception)), headers: headersOf(exception) };
    }
    if (isDatabaseUnavailable(exception)) {
      return { problem: httpProblem(503, 'The database is unavailable; try again shortly'), headers: { 'Retry-After': '5' } };
    }
    return { problem: internalProblem(req, 500) };
  }
}

/**
 * The database going away (restart, failover, refused connections) is not a
 * bug in the request: it answers 503 so clients retry, and /health says so too.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as
    { name?: string; code?: string; driverError?: { code?: string; message?: string }; message?: string } | null | undefined;
  // A server shutting down cuts the connection of a transaction that is between two
  // statements; TypeORM then releases that transaction's query runner, and its next
  // statement (or its COMMIT) fails with this instead of the connection's error.
  if (e?.name === 'QueryRunnerAlreadyReleasedError') return true;
  const code = e?.driverError?.code ?? e?.code;
  if (typeof code === 'string') {
    if (code.startsWith('08')) return true; // connection exception
    if (UNAVAILABLE_CODES.has(code)) return true;
  }
  const message = e?.driverError?.message ?? e?.message ?? '';
  return UNAVAILABLE_MESSAGE.test(message);
}

/**
 * 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up,
 * shutting down, in recovery), 53300 too_many_connections; the socket errors of a
 * server or host that is not there (a container being replaced drops out of DNS).
 */
const UNAVAILABLE_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/** What pg and pg-pool say, without a code, when a connection dies or cannot be made. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|is not queryable|timeout exceeded when trying to connect|does not allow connections|not currently accepting connections|terminating connection|the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)/;

function internalProblem(req: Request, status: number): ProblemDetails {
  return httpProblem(status, `An unexpected error occurred. Reference: ${String(req.id ?? 'unknown')}`);
}

/** Nest's router answers an unmatched route with NotFoundException("Cannot GET /x"). */
function isUnmatchedRoute(exception: HttpException): boolean {
  const response = exception.getResponse();
  const message = typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : response;
  return typeof message === 'string' && /^Cannot [A-Z]+ /.test(message);
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return exception.message;
}

function headersOf(exception: HttpException): Record<string, string> | undefined {
  const response = exception.getResponse();
  if (typeof response === 'object' && response !== null && 'headers' in response) {
    return (response as { headers: Record<string, string> }).headers;
  }
  return undefined;
}
