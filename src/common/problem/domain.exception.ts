/**
 * Error codes of the domain, one small enum per feature. A new enum joins the
 * `ErrorCode` union and gets its statuses in `problemForCode` below: the switch
 * is exhaustive, so a code without a mapping does not compile.
 */
export enum CommonError {
  NotFound = 'not_found',
  Conflict = 'conflict',
  StaleVersion = 'stale_version',
  ServiceUnavailable = 'service_unavailable',
}

export type ErrorCode = CommonError;

export class DomainException extends Error {
  constructor(
    readonly code: ErrorCode,
    detail: string,
    /** Extension members added to the problem body. */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'DomainException';
  }
}

export function statusForCode(code: ErrorCode): number {
  switch (code) {
    case CommonError.NotFound:
      return 404;
    case CommonError.Conflict:
    case CommonError.StaleVersion:
      return 409;
    case CommonError.ServiceUnavailable:
      return 503;
    default:
      return assertNever(code);
  }
}

export function problemType(code: ErrorCode): string {
  return `urn:paicha:problem:${code}`;
}

function assertNever(value: never): never {
  throw new Error(`Unmapped error code: ${String(value)}`);
}
