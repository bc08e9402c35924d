export enum IdempotencyError {
  /** The key was used with another request (method, path, If-Match or body): 422. */
  KeyReused = 'idempotency_key_reused',
  /** The first request with the key is still being processed: 409. */
  InFlight = 'idempotency_key_in_flight',
}
