import { Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { of, type Observable } from 'rxjs';
import type { Actor } from '../access/actor.js';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { readBody, UploadTooLargeError, type BufferedRequest } from '../common/multipart.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { ValidationFailedException } from '../common/problem/validation.js';
import { IDEMPOTENCY_KEY_PATTERN, multipartBoundary, requestFingerprint, type RequestShape } from './fingerprint.js';
import { IdempotencyError } from './idempotency.errors.js';
import type { KeptResponse } from './idempotency.repository.js';
import { IdempotencyService, STALE_CLAIM_SECONDS } from './idempotency.service.js';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
const METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** The response headers kept with the body and sent again on a replay. */
const KEPT_HEADERS = ['content-type', 'etag', 'location'];
/** Room for a multipart body's own headers and small fields around the file. */
const MULTIPART_OVERHEAD_BYTES = 256 * 1024;
/** A body of another type that no parser read (the JSON limit). */
const OTHER_BODY_MAX_BYTES = 1024 * 1024;

/**
 * Safe retries (IETF draft "The Idempotency-Key HTTP Header Field") for every
 * POST, PUT and PATCH with an actor. Runs after the auth guard, so keys are
 * per user; a route without an actor (login) ignores the header. The first
 * request with a key claims it (a unique row) and its response is kept when
 * it ends (status < 500; a 5xx releases the key for a real retry); a repeat
 * gets that response again with `Idempotent-Replayed: true`.
 *
 * The record is written after the work's own transaction commits: a process
 * that dies in between leaves a 'processing' claim, which a repeat of the
 * same request takes over once it is STALE_CLAIM_SECONDS old.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly idempotency: IdempotencyService,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest<Request & { actor?: Actor }>();
    const res = http.getResponse<Response>();
    const header = req.headers['idempotency-key'];
    if (header === undefined || !METHODS.has(req.method) || !req.actor) return next.handle();
    const key = Array.isArray(header) ? header.join(', ') : header;
    if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw new ValidationFailedException([{ field: IDEMPOTENCY_KEY_HEADER, message: 'must be 1 to 128 printable ASCII characters' }]);
    }
    const actorId = req.actor.id;
    const fingerprint = requestFingerprint(await this.shapeOf(req));
    const outcome = await this.idempotency.claim(actorId, key, fingerprint);
    switch (outcome.kind) {
      case 'mismatch':
        throw new DomainException(
          IdempotencyError.KeyReused,
          'This Idempotency-Key was used for a different request; use a new key for a new request',
        );
      case 'in_flight':
        throw new DomainException(
          IdempotencyError.InFlight,
          'The first request with this Idempotency-Key is still being processed; retry shortly',
          {},
          { 'Retry-After': '1' },
        );
      case 'replay':
        return of(replay(outcome.response));
      case 'claimed':
        keepResponse(res, async (response) => {
          try {
            if (response.status >= 500) await this.idempotency.release(actorId, key, outcome.claim);
            else await this.idempotency.complete(actorId, key, outcome.claim, response);
          } catch (error) {
            // the key stays claimed: a repeat answers 409 until the claim is stale, then is processed again
            this.logger.error(
              `Could not record Idempotency-Key of ${req.method} ${req.originalUrl}: ${String(error)} (stale in ${STALE_CLAIM_SECONDS}s)`,
            );
          }
        });
        return next.handle();
    }
  }

  private async shapeOf(req: BufferedRequest): Promise<RequestShape> {
    const ifMatch = req.headers['if-match'];
    const shape = {
      method: req.method,
      path: req.originalUrl.split('?')[0],
      ifMatch: Array.isArray(ifMatch) ? ifMatch.join(', ') : ifMatch,
    };
    if (req.body !== undefined) return { ...shape, body: { json: req.body } };
    if (!hasBody(req)) return { ...shape, body: undefined };
    // a body no parser read (multipart uploads): read it whole, so that it can be hashed, and hand it to the handler
    const multipart = req.is('multipart/form-data') ? multipartBoundary(req.headers['content-type']) : undefined;
    const limit = multipart ? this.config.uploadMaxBytes + MULTIPART_OVERHEAD_BYTES : OTHER_BODY_MAX_BYTES;
    try {
      const bytes = await readBody(req, limit);
      return { ...shape, body: { bytes, multipartBoundary: multipart } };
    } catch (error) {
      if (error instanceof UploadTooLargeError) throw error.toDomain();
      throw error;
    }
  }
}

function hasBody(req: Request): boolean {
  return (
    req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0')
  );
}

/** The kept response as a web Response: Nest sends its status, headers and bytes as they are. */
function replay(kept: KeptResponse): globalThis.Response {
  const headers = new Headers(kept.headers);
  headers.set(REPLAYED_HEADER, 'true');
  const empty = kept.status === 204 || kept.status === 304 || kept.body.length === 0;
  return new globalThis.Response(empty ? null : new Uint8Array(kept.body), { status: kept.status, headers });
}

/**
 * Collects what the response writes and, when it ends, hands it to `record`
 * before the last bytes go out: a client that has the response can rely on
 * its repeat being answered from the record.
 */
function keepResponse(res: Response, record: (response: KeptResponse) => Promise<void>): void {
  const chunks: Buffer[] = [];
  const write = res.write;
  const end = res.end;
  const toBuffer = (chunk: unknown, encoding: unknown): Buffer =>
    Buffer.isBuffer(chunk)
      ? chunk
      : typeof chunk === 'string'
        ? Buffer.from(chunk, (typeof encoding === 'string' ? encoding : 'utf8') as BufferEncoding)
        : Buffer.from(chunk as Uint8Array);
  res.write = function (this: Response, chunk: unknown, ...rest: unknown[]) {
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') chunks.push(toBuffer(chunk, rest[0]));
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Response['write'];
  res.end = function (this: Response, ...args: unknown[]) {
    res.write = write;
    res.end = end;
    const [chunk, encoding] = args;
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') chunks.push(toBuffer(chunk, encoding));
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = res.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    void record({ status: res.statusCode, headers, body: Buffer.concat(chunks) }).finally(() =>
      (end as (...a: unknown[]) => Response).apply(res, args),
    );
    return res;
  } as Response['end'];
}
