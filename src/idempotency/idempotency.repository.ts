import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export interface KeptResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface KeyRow {
  fingerprint: string;
  state: 'processing' | 'completed';
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: Buffer | null;
}

@Injectable()
export class IdempotencyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Claims (actor, key) for a request: inserts the row, or takes over one
   * that has expired, or a 'processing' claim of the same request older than
   * `staleSeconds` (its process died between the work and the record). True
   * if this request now holds the claim.
   */
  async claim(
    actorId: string,
    key: string,
    fingerprint: string,
    claim: string,
    retentionSeconds: number,
    staleSeconds: number,
  ): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `INSERT INTO idempotency_keys AS k (actor_id, key, fingerprint, state, claim, locked_at, expires_at)
       VALUES ($1, $2, $3, 'processing', $4, now(), now() + make_interval(secs => $5))
       ON CONFLICT (actor_id, key) DO UPDATE SET
         fingerprint = EXCLUDED.fingerprint, state = 'processing', claim = EXCLUDED.claim, locked_at = now(),
         expires_at = EXCLUDED.expires_at, created_at = now(), response_status = NULL, response_headers = NULL, response_body = NULL
       WHERE k.expires_at <= now()
          OR (k.state = 'processing' AND k.fingerprint = EXCLUDED.fingerprint AND k.locked_at <= now() - make_interval(secs => $6))
       RETURNING k.claim`,
      [actorId, key, fingerprint, claim, retentionSeconds, staleSeconds],
    )) as { claim: string }[];
    return rows[0]?.claim === claim;
  }

  async find(actorId: string, key: string): Promise<KeyRow | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT fingerprint, state, response_status, response_headers, response_body FROM idempotency_keys
       WHERE actor_id = $1 AND key = $2 AND expires_at > now()`,
      [actorId, key],
    )) as KeyRow[];
    return rows[0];
  }

  /** Keeps the response of the request holding the claim, for `retentionSeconds` from now. */
  async complete(actorId: string, key: string, claim: string, response: KeptResponse, retentionSeconds: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET state = 'completed', response_status = $4, response_headers = $5, response_body = $6,
         expires_at = now() + make_interval(secs => $7)
       WHERE actor_id = $1 AND key = $2 AND claim = $3`,
      [actorId, key, claim, response.status, JSON.stringify(response.headers), response.body, retentionSeconds],
    );
  }

  /** Gives the key up, so that a retry is processed anew. */
  async release(actorId: string, key: string, claim: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM idempotency_keys WHERE actor_id = $1 AND key = $2 AND claim = $3`, [actorId, key, claim]);
  }

  async deleteExpired(em: EntityManager): Promise<number> {
    const rows = (await em.query(
      `WITH deleted AS (DELETE FROM idempotency_keys WHERE expires_at <= now() RETURNING 1) SELECT count(*)::int AS n FROM deleted`,
    )) as { n: number }[];
    return rows[0].n;
  }
}
