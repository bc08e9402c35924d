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
  findingId: string;
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

  /** Overdue major findings → the bureau users of the institution's region and of the region above it. */
  escalations(em: EntityManager): Promise<number> {
    const p = new SqlParams();
    return this.repository.insertFrom(
      em,
      `SELECT u.id, 'escalation', f.id, format(${p.add(MESSAGES.escalation)}, i.name, left(f.title, ${TITLE_CHARS}), f.deadline)
       FROM findings f JOIN institutions i ON i.id = f.institution_id
       JOIN regions r ON r.code = f.region_code
       JOIN users u ON u.role = 'bureau' AND u.active AND (u.region_code = r.code OR u.region_code = r.parent_code)
       WHERE f.overdue AND f.severity = 'major' AND f.status <> 'closed'`,
      p,
    );
  }

  async list(actor: Actor, unread: boolean, page: PageQueryDto): Promise<Page<Notification>> {
    const { rows, total } = await this.repository.list(actor.id, unread, page.pageSize, offsetOf(page));
    return { items: rows.map(toNotification), total, page: page.page, pageSize: page.pageSize };
  }

  async markRead(actor: Actor, id: string): Promise<Notification> {
    return this.transactions.run(async (em) => {
      const row = await this.repository.markRead(em, actor.id, id);
      if (!row) throw new DomainException(CommonError.NotFound, `Notification ${id} not found`);
      await this.audit.append(em, { actorId: actor.id, action: 'notification.read', entity: 'notification', entityId: id, regionCode: actor.regionCode });
      return toNotification(row);
    });
  }
}

function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    kind: row.kind,
    findingId: row.finding_id,
    message: row.message,
    createdAt: new Date(row.created_at).toISOString(),
    readAt: row.read_at ? new Date(row.read_at).toISOString() : null,
  };
}
