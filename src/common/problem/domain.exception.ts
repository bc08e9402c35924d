import type { ErrorCode } from './error-codes.js';

export { CommonError, problemType, statusForCode } from './error-codes.js';
export type { ErrorCode } from './error-codes.js';

/** A refusal of the domain: its code's feature decides the HTTP status (see error-codes.ts). */
export class DomainException extends Error {
  constructor(
    readonly code: ErrorCode,
    detail: string,
    /** Extension members added to the problem body. */
    readonly extensions: Record<string, unknown> = {},
    /** Response headers that belong to the problem (Retry-After, Allow). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'DomainException';
  }
}
