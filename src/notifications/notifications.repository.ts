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
  finding_id: string | null;
  finding_ids: string[];
  message: string;
  created_at: Date;
  read_at: Date | null;
}

@Injectable()
export class NotificationsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** A security notice to every active security admin, or to every active admin while there is none. */
  async insertSecurity(em: EntityManager, message: string): Promise<number> {
    const rows = (await em.query(
      `INSERT INTO notifications (recipient_id, kind, message)
       SELECT u.id, 'security', $1 FROM users u
       WHERE u.active AND u.role = CASE WHEN EXISTS (SELECT 1 FROM users WHERE role = 'security_admin' AND active) THEN 'security_admin' ELSE 'admin' END
       RETURNING id`,
      [message],
    )) as [unknown[], number];
    return rows[1];
  }

  /**
   * Inserts the notifications a SELECT yields as (recipient_id, kind,
   * finding_id, message). The unique (finding, kind, recipient) key turns a
   * repeat into nothing; with a webhook configured, each new notification is
   * queued in the outbox by the same statement. Returns how many were new.
   */
  async insertFrom(em: EntityManager, select: string, params: SqlParams): Promise<number> {
    return (await this.insertWith(em, { select }, params)).created;
  }

  /**
   * The same as one statement with more around it: `with` are CTEs the SELECT
   * may read (e.g. the job's UPDATE … RETURNING), `after` are CTEs that read
   * `created` (e.g. history entries), `count` a relation whose rows are
   * counted as `counted` (e.g. the findings the UPDATE marked).
   */
  async insertWith(
    em: EntityManager,
    parts: { with?: string; select: string; after?: string; count?: string },
    params: SqlParams,
  ): Promise<{ created: number; counted: number }> {
    const webhooks = params.add(this.config.webhookUrl !== undefined);
    const rows = (await em.query(
      `WITH ${parts.with ? `${parts.with},` : ''} created AS (
         INSERT INTO notifications (recipient_id, kind, finding_id, message)
         ${parts.select}
         ON CONFLICT (finding_id, kind, recipient_id) DO NOTHING
         RETURNING id, recipient_id, kind, finding_id, message, created_at
       ), queued AS (
         INSERT INTO webhook_outbox (notification_id, payload)
         SELECT id, jsonb_build_object('id', id, 'kind', kind, 'findingId', finding_id, 'recipientId', recipient_id,
                                       'message', message, 'createdAt', created_at)
         FROM created WHERE ${webhooks}::boolean
       )${parts.after ? `, ${parts.after}` : ''}
       SELECT (SELECT count(*)::int FROM created) AS created, ${parts.count ? `(SELECT count(*)::int FROM ${parts.count})` : '0'} AS counted`,
      params.values,
    )) as { created: number; counted: number }[];
    return rows[0];
  }

  /**
   * One `digest` per head and day (`asOf`) of the `overdue` and
   * `deadline_reminder` notices this transaction gave them (their
   * `created_at` is the transaction's `now()`), instead of many pushes.
   */
  async insertHeadDigests(em: EntityManager, asOf: string, message: string): Promise<number> {
    const webhooks = this.config.webhookUrl !== undefined;
    const rows = (await em.query(
      `WITH today AS (
         SELECT n.recipient_id, array_agg(n.finding_id ORDER BY n.kind DESC, n.finding_id) AS ids,
                count(*) FILTER (WHERE n.kind = 'overdue')::int AS overdue, count(*) FILTER (WHERE n.kind = 'deadline_reminder')::int AS due
         FROM users u JOIN notifications n ON n.recipient_id = u.id AND n.created_at = now() AND n.kind IN ('overdue', 'deadline_reminder')
         WHERE u.role = 'institution_head'
         GROUP BY n.recipient_id
       ), created AS (
         INSERT INTO notifications (recipient_id, kind, finding_id, finding_ids, digest_on, message)
         SELECT recipient_id, 'digest', NULL, ids, $1::date, format($2::text, overdue, due) FROM today
         ON CONFLICT (recipient_id, digest_on) WHERE kind = 'digest' DO NOTHING
         RETURNING id, recipient_id, kind, finding_ids, message, created_at
       ), queued AS (
         INSERT INTO webhook_outbox (notification_id, payload)
         SELECT id, jsonb_build_object('id', id, 'kind', kind, 'findingId', NULL, 'findingIds', to_jsonb(finding_ids),
                                       'recipientId', recipient_id, 'message', message, 'createdAt', created_at)
         FROM created WHERE $3::boolean
       )
       SELECT count(*)::int AS n FROM created`,
      [asOf, message, webhooks],
    )) as { n: number }[];
    return rows[0].n;
  }

  list(recipientId: string, unread: boolean, limit: number, offset: number): Promise<{ rows: NotificationRow[]; total: number }> {
    const params = new SqlParams();
    const where = `n.recipient_id = ${params.add(recipientId)}${unread ? ' AND n.read_at IS NULL' : ''}`;
    return pagedSelect<NotificationRow>(
      this.dataSource,
      {
        columns: 'n.id, n.kind, n.finding_id, n.finding_ids, n.message, n.created_at, n.read_at',
        from: 'notifications n',
        where,
        orderBy: 'n.created_at DESC, n.id',
      },
      params,
      limit,
      offset,
    );
  }

  /** Marks the recipient's own notification read (keeps the first read time); undefined when not theirs. */
  async markRead(em: EntityManager, recipientId: string, id: string): Promise<NotificationRow | undefined> {
    const [rows] = (await em.query(
      `UPDATE notifications n SET read_at = COALESCE(read_at, now()) WHERE n.id = $1 AND n.recipient_id = $2
       RETURNING n.id, n.kind, n.finding_id, n.finding_ids, n.message, n.created_at, n.read_at`,
      [id, recipientId],
    )) as [NotificationRow[], number];
    return rows[0];
  }
}
