import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export type OutboxTarget = 'webhook' | 'wecom' | 'dingtalk';

export interface OutboxRow {
  id: string;
  target: OutboxTarget;
  region_code: string | null;
  payload: Record<string, unknown>;
  attempts: number;
}

/**
 * The outbox every outbound message goes through (WEBHOOK_URL and the
 * work-group robots): rows are written in the transaction that makes them,
 * claimed by a dispatcher, and marked delivered, retried later or given up.
 */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Queues robot messages, one row per (target, region, payload), in the caller's transaction. */
  async queue(em: EntityManager, rows: { target: OutboxTarget; regionCode: string; payload: Record<string, unknown> }[]): Promise<number> {
    if (rows.length === 0) return 0;
    const result = (await em.query(
      `INSERT INTO webhook_outbox (target, region_code, payload)
       SELECT r.target, r.region_code, r.payload FROM jsonb_to_recordset($1::jsonb) AS r(target text, region_code text, payload jsonb)
       RETURNING id`,
      [JSON.stringify(rows.map((r) => ({ target: r.target, region_code: r.regionCode, payload: r.payload })))],
    )) as unknown[];
    return result.length;
  }

  /**
   * Claims due deliveries of these targets for this worker: a lease pushes
   * their next attempt out, so a worker that dies mid-way leaves them to be
   * retried, and SKIP LOCKED keeps two instances from taking the same row.
   */
  async claimDue(targets: OutboxTarget[], limit: number, leaseSeconds: number): Promise<OutboxRow[]> {
    const [rows] = (await this.dataSource.query(
      `UPDATE webhook_outbox o SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
       WHERE o.id IN (SELECT id FROM webhook_outbox WHERE delivered_at IS NULL AND next_attempt_at <= now() AND target = ANY($3::text[])
                      ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING o.id::text, o.target, o.region_code, o.payload, o.attempts`,
      [limit, leaseSeconds, targets],
    )) as [OutboxRow[], number];
    return rows;
  }

  /** Whether any row of these targets still waits for delivery (given-up rows do not). */
  async hasPending(targets: OutboxTarget[]): Promise<boolean> {
    const [row] = (await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM webhook_outbox WHERE delivered_at IS NULL AND next_attempt_at < 'infinity' AND target = ANY($1::text[])) AS pending`,
      [targets],
    )) as { pending: boolean }[];
    return row.pending;
  }

  /**
   * Hands claimed rows back untried (an instance stopping between its claim
   * and the sending): due again at once, the claim's attempt not counted, so
   * another instance need not wait out the lease.
   */
  async release(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(
      'UPDATE webhook_outbox SET attempts = attempts - 1, next_attempt_at = now() WHERE id = ANY($1::bigint[]) AND delivered_at IS NULL',
      [ids],
    );
  }

  async delivered(id: string): Promise<void> {
    await this.dataSource.query('UPDATE webhook_outbox SET delivered_at = now(), last_error = NULL WHERE id = $1', [id]);
  }

  async failed(id: string, retryInSeconds: number, error: string): Promise<void> {
    await this.dataSource.query(
      'UPDATE webhook_outbox SET next_attempt_at = now() + make_interval(secs => $2), last_error = $3 WHERE id = $1',
      [id, retryInSeconds, error.slice(0, 1000)],
    );
  }

  /** A failure retrying cannot fix: recorded, never tried again. */
  async gaveUp(id: string, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_outbox SET next_attempt_at = 'infinity', gave_up_at = now(), last_error = $2 WHERE id = $1`,
      [id, error.slice(0, 1000)],
    );
  }
}
