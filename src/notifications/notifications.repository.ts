import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { pagedSelect } from '../common/paged-select.js';
import { SqlParams } from '../access/scope.js';

export interface NotificationRow {
  id: string;
  kind: string;
  finding_id: string;
  message: string;
  created_at: Date;
  read_at: Date | null;
}

export interface OutboxRow {
  id: string;
  payload: Record<string, unknown>;
  attempts: number;
}

@Injectable()
export class NotificationsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Inserts the notifications a SELECT yields as (recipient_id, kind,
   * finding_id, message). The unique (finding, kind, recipient) key turns a
   * repeat into nothing; with a webhook configured, each new notification is
   * queued in the outbox by the same statement. Returns how many were new.
   */
  async insertFrom(em: EntityManager, select: string, params: SqlParams): Promise<number> {
    const webhooks = params.add(this.config.webhookUrl !== undefined);
    const rows = (await em.query(
      `WITH created AS (
         INSERT INTO notifications (recipient_id, kind, finding_id, message)
         ${select}
         ON CONFLICT (finding_id, kind, recipient_id) DO NOTHING
         RETURNING id, recipient_id, kind, finding_id, message, created_at
       ), queued AS (
         INSERT INTO webhook_outbox (notification_id, payload)
         SELECT id, jsonb_build_object('id', id, 'kind', kind, 'findingId', finding_id, 'recipientId', recipient_id,
                                       'message', message, 'createdAt', created_at)
         FROM created WHERE ${webhooks}::boolean
       )
       SELECT count(*)::int AS n FROM created`,
      params.values,
    )) as { n: number }[];
    return rows[0].n;
  }

  list(recipientId: string, unread: boolean, limit: number, offset: number): Promise<{ rows: NotificationRow[]; total: number }> {
    const params = new SqlParams();
    const where = `n.recipient_id = ${params.add(recipientId)}${unread ? ' AND n.read_at IS NULL' : ''}`;
    return pagedSelect<NotificationRow>(
      this.dataSource,
      { columns: 'n.id, n.kind, n.finding_id, n.message, n.created_at, n.read_at', from: 'notifications n', where, orderBy: 'n.created_at DESC, n.id' },
      params,
      limit,
      offset,
    );
  }

  /** Marks the recipient's own notification read (keeps the first read time); undefined when not theirs. */
  async markRead(em: EntityManager, recipientId: string, id: string): Promise<NotificationRow | undefined> {
    const [rows] = (await em.query(
      `UPDATE notifications n SET read_at = COALESCE(read_at, now()) WHERE n.id = $1 AND n.recipient_id = $2
       RETURNING n.id, n.kind, n.finding_id, n.message, n.created_at, n.read_at`,
      [id, recipientId],
    )) as [NotificationRow[], number];
    return rows[0];
  }

  /**
   * Claims due deliveries for this worker: a lease pushes their next attempt
   * out, so a worker that dies mid-way leaves them to be retried, and
   * SKIP LOCKED keeps two instances from taking the same row.
   */
  async claimDue(limit: number, leaseSeconds: number): Promise<OutboxRow[]> {
    const [rows] = (await this.dataSource.query(
      `UPDATE webhook_outbox o SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
       WHERE o.id IN (SELECT id FROM webhook_outbox WHERE delivered_at IS NULL AND next_attempt_at <= now()
                      ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING o.id::text, o.payload, o.attempts`,
      [limit, leaseSeconds],
    )) as [OutboxRow[], number];
    return rows;
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
}
