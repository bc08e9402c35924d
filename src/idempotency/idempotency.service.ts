import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { IdempotencyRepository, type KeptResponse } from './idempotency.repository.js';

/** Responses are kept this long after they complete (the contract: at least 24 hours). */
export const RETENTION_SECONDS = 24 * 60 * 60;
/** A 'processing' claim this old is taken over by a repeat of the same request (see `claim`). */
export const STALE_CLAIM_SECONDS = 5 * 60;

export type ClaimOutcome =
  { kind: 'claimed'; claim: string } | { kind: 'replay'; response: KeptResponse } | { kind: 'mismatch' } | { kind: 'in_flight' };

@Injectable()
export class IdempotencyService {
  constructor(private readonly repository: IdempotencyRepository) {}

  /**
   * The first request with a key claims it; a repeat gets the kept response,
   * or learns that the key belongs to another request (mismatch) or that the
   * first is still being processed (in flight).
   */
  async claim(actorId: string, key: string, fingerprint: string): Promise<ClaimOutcome> {
    // a claim released between the insert and the read is simply claimed again
    for (let attempt = 0; attempt < 3; attempt++) {
      const claim = randomUUID();
      if (await this.repository.claim(actorId, key, fingerprint, claim, RETENTION_SECONDS, STALE_CLAIM_SECONDS))
        return { kind: 'claimed', claim };
      const row = await this.repository.find(actorId, key);
      if (!row) continue;
      if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (row.state === 'processing' || row.response_status === null) return { kind: 'in_flight' };
      return {
        kind: 'replay',
        response: { status: row.response_status, headers: row.response_headers ?? {}, body: row.response_body ?? Buffer.alloc(0) },
      };
    }
    return { kind: 'in_flight' };
  }

  complete(actorId: string, key: string, claim: string, response: KeptResponse): Promise<void> {
    return this.repository.complete(actorId, key, claim, response, RETENTION_SECONDS);
  }

  release(actorId: string, key: string, claim: string): Promise<void> {
    return this.repository.release(actorId, key, claim);
  }

  /** For the daily job: forgets keys whose responses are past their retention. */
  deleteExpired(em: EntityManager): Promise<number> {
    return this.repository.deleteExpired(em);
  }
}
