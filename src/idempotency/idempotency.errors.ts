import { errorStatuses } from '../common/problem/error-codes.js';

export enum IdempotencyError {
  /** The key was used with another request (method, path, If-Match or body): 422. */
  KeyReused = 'idempotency_key_reused',
  /** The first request with the key is still being processed: 409. */
  InFlight = 'idempotency_key_in_flight',
}

/** The HTTP status of each code (a code without one does not compile). */
errorStatuses<IdempotencyError>({
  [IdempotencyError.KeyReused]: 422,
  [IdempotencyError.InFlight]: 409,
});

declare module '../common/problem/error-codes.js' {
  interface ErrorCodes {
    idempotency: IdempotencyError;
  }
}
