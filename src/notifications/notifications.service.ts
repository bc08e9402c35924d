import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { offsetOf, type Page, type PageQueryDto } from '../common/pagination.js';
import { CommonError, DomainException } from '../common/problem/domain.exception.js';
import { SqlParams } from '../access/scope.js';
import { Transactions } from '../common/transactions.js';
import { GRADE_LABELS, MESSAGES, TITLE_CHARS } from './messages.zh-CN.js';
import { NotificationsRepository, type NotificationRow } from './notifications.repository.js';

export interface Notification {
  id: string;
  kind: string;
  findingId: string | null;
  findingIds: string[];
  message: string;
  createdAt: string;
  readAt: string | null;
}

/** Active heads of the finding's institution, as recipients. */
const HEADS = `JOIN users u ON u.institution_id = f.institution_id AND u.role = 'institution_head' AND u.active`;

/**
 * Who is told what. Every method runs inside the caller's transaction and is
 * set-based; the (finding, kind, recipient) key sends each notice once.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly repository: NotificationsRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  /** New findings → the institution's heads. */
  findingsCreated(em: EntityManager, findingIds: string[]): Promise<number> {
    const p = new SqlParams();
    return this.repository.insertFrom(
      em,
      `SELECT u.id, 'finding_created', f.id,
              format(${p.add(MESSAGES.findingCreated)}, CASE f.severity WHEN 'major' THEN ${p.add(GRADE_LABELS.major)} ELSE ${p.add(GRADE_LABELS.general)} END,
                     left(f.title, ${TITLE_CHARS}), f.deadline)
       FROM findings f ${HEADS} WHERE f.id = ANY(${p.add(findingIds)}::uuid[])`,
      p,
    );
  }

  /** A rectification to check → whoever recorded the finding and the bureaus of its region. */
  rectificationSubmitted(em: EntityManager, findingId: string): Promise<number> {
    const p = new SqlParams();
    return this.repository.insertFrom(
      em,
      `SELECT u.id, 'rectification_submitted', f.id, format(${p.add(MESSAGES.rectificationSubmitted)}, i.name, left(f.title, ${TITLE_CHARS}))
       FROM findings f JOIN institutions i ON i.id = f.institution_id
       JOIN users u ON u.active AND (u.id = f.created_by AND u.role IN ('inspector', 'bureau') OR u.role = 'bureau' AND u.region_code = f.region_code)
       WHERE f.id = ${p.add(findingId)}`,
      p,
    );
  }

  /** A rejected rectification → the institution's heads, with the reason. */
  rectificationRejected(em: EntityManager, findingId: string, reason: string): Promise<number> {
    const p = new SqlParams();
    return this.repository.insertFrom(
      em,
      `SELECT u.id, 'rectification_rejected', f.id, format(${p.add(MESSAGES.rectificationRejected)}, left(f.title, ${TITLE_CHARS}), ${p.add(reason)}::text)
       FROM findings f ${HEADS} WHERE f.id = ${p.add(findingId)}`,
      p,
    );
  }

  /** Findings due within `days` of `asOf` (and not yet overdue) → heads. */
  deadlineReminders(em: EntityManager, asOf: string, days: number): Promise<number> {
    const p = new SqlParams();
    const date = p.add(asOf);
    return this.repository.insertFrom(
      em,
      `SELECT u.id, 'deadline_reminder', f.id, format(${p.add(MESSAGES.deadlineReminder)}, i.name, left(f.title, ${TITLE_CHARS}), f.deadline)
       FROM findings f JOIN institutions i ON i.id = f.institution_id ${HEADS}
       WHERE f.status IN ('open', 'pending_verification') AND NOT f.overdue
         AND f.deadline >= ${date}::date AND f.deadline <= ${date}::date + ${p.add(days)}::int`,
      p,
    );
  }

  /**
   * The findings the CTE `marked` (from the deadlines job: id, institution_id,
   * title, deadline) has just marked overdue → their institution's heads, in
   * the same statement as the marking. Returns how many were marked and told.
   */
  async overdue(em: EntityManager, markedCte: string, p: SqlParams): Promise<{ marked: number; notices: number }> {
    const { created, counted } = await this.repository.insertWith(
      em,
      {
        with: markedCte,
        select: `SELECT u.id, 'overdue', m.id, format(${p.add(MESSAGES.overdue)}, left(m.title, ${TITLE_CHARS}), m.deadline)
                 FROM marked m JOIN users u ON u.institution_id = m.institution_id AND u.role = 'institution_head' AND u.active`,
        count: 'marked',
      },
      p,
    );
    return { marked: counted, notices: created };
  }

  /**
   * The escalation ladder: an overdue major finding reaches the bureaus of its
   * own region on its first overdue day, then one region up per `stepDays`
   * of overdue, up to the province; each bureau user once per finding. A
   * catch-up run reaches every level due at once. Each region reached is
   * written into the finding's history (`escalated`).
   */
  escalations(em: EntityManager, asOf: string, stepDays: number): Promise<number> {
    const p = new SqlParams();
    const date = p.add(asOf);
    return this.repository
      .insertWith(
        em,
        {
          with: `ladder AS (
            SELECT f.id, f.title, f.deadline, i.name AS institution, a.codes, cardinality(a.codes) AS depth,
                   LEAST(cardinality(a.codes) - 1, (${date}::date - f.overdue_since) / ${p.add(stepDays)}::int) AS level
            FROM findings f JOIN institutions i ON i.id = f.institution_id JOIN regions r ON r.code = f.region_code
            CROSS JOIN LATERAL (SELECT string_to_array(trim(BOTH '/' FROM r.path), '/') AS codes) a
            WHERE f.overdue AND f.severity = 'major' AND f.status <> 'closed' AND f.overdue_since <= ${date}::date)`,
          select: `SELECT u.id, 'escalation', l.id,
                          format(${p.add(MESSAGES.escalation)}, l.institution, left(l.title, ${TITLE_CHARS}), l.deadline, ${date}::date - l.deadline)
                   FROM ladder l JOIN users u ON u.role = 'bureau' AND u.active AND u.region_code = ANY(l.codes[l.depth - l.level : l.depth])`,
          after: `history AS (
            INSERT INTO finding_events (finding_id, at, actor_id, action, data)
            SELECT c.finding_id, now(), NULL, 'escalated',
                   jsonb_build_object('regionCode', u.region_code, 'recipients', count(*), 'asOf', ${date}::text)
            FROM created c JOIN users u ON u.id = c.recipient_id
            GROUP BY c.finding_id, u.region_code)`,
        },
        p,
      )
      .then((r) => r.created);
  }

  /** One in-app digest per head and day of what this run told them (see the repository). */
  headDigests(em: EntityManager, asOf: string): Promise<number> {
    return this.repository.insertHeadDigests(em, asOf, MESSAGES.headDigest);
  }

  async list(actor: Actor, unread: boolean, page: PageQueryDto): Promise<Page<Notification>> {
    const { rows, total } = await this.repository.list(actor.id, unread, page.pageSize, offsetOf(page));
    return { items: rows.map(toNotification), total, page: page.page, pageSize: page.pageSize };
  }

  async markRead(actor: Actor, id: string): Promise<Notification> {
    return this.transactions.run(async (em) => {
      const row = await this.repository.markRead(em, actor.id, id);
      if (!row) throw new DomainException(CommonError.NotFound, `Notification ${id} not found`);
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'notification.read',
        entity: 'notification',
        entityId: id,
        regionCode: actor.regionCode,
      });
      return toNotification(row);
    });
  }
}

function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    kind: row.kind,
    findingId: row.finding_id,
    findingIds: row.finding_id ? [row.finding_id] : row.finding_ids,
    message: row.message,
    createdAt: new Date(row.created_at).toISOString(),
    readAt: row.read_at ? new Date(row.read_at).toISOString() : null,
  };
}
