import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { todayIn } from '../common/dates.js';
import { Transactions } from '../common/transactions.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { SqlParams } from '../access/scope.js';
import { ChannelsService } from '../notifications/channels/channels.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { SECURITY_MESSAGES } from '../notifications/messages.zh-CN.js';
import { SecurityNotices } from '../notifications/security-notices.js';
import { SessionsService } from '../auth/sessions.service.js';
import { DormantAccounts } from '../users/dormant-accounts.js';
import { DeadlinesRepository } from './deadlines.repository.js';

export const DEADLINES_JOB = 'deadlines';

export interface DeadlinesResult {
  asOf: string;
  markedOverdue: number;
  /** `overdue` notices to the heads of the findings just marked. */
  overdueNotices: number;
  reminders: number;
  escalations: number;
  /** In-app `digest` notifications to heads (one per head and day). */
  digests: number;
  /** Regions whose robot digest was made this run, and the robot messages queued. */
  regionDigests: number;
  robotMessages: number;
  /** Idempotency-Key records past their retention, deleted. */
  idempotencyKeysExpired: number;
  /** Accounts with no login for DORMANT_DAYS, disabled (each audited; the security admins are told). */
  dormantAccountsDisabled: number;
  /** Sessions that ended more than a month ago, deleted. */
  sessionsPurged: number;
}

/**
 * 整改期限跟踪: one run, as of a calendar date in TZ, in one transaction of
 * set-based statements — mark overdue and tell the heads (one statement),
 * remind the heads before the deadline, escalate overdue major hazards up the
 * region ladder, give each head one digest of the day, make each region's
 * robot digest, forget Idempotency-Key records past their retention, disable
 * dormant accounts (DORMANT_DAYS) and delete sessions ended a month ago.
 * Every notice is unique per (finding, kind, recipient) and every digest per
 * (recipient or region, day), so a re-run of a day sends nothing twice, and a
 * catch-up run after an outage sends one digest per head and region.
 */
@Injectable()
export class DeadlinesService {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly repository: DeadlinesRepository,
    private readonly notifications: NotificationsService,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly channels: ChannelsService,
    private readonly dormant: DormantAccounts,
    private readonly sessions: SessionsService,
    private readonly notices: SecurityNotices,
  ) {}

  today(): string {
    return todayIn(this.config.timeZone);
  }

  async run(options: { asOf?: string; slot: string; actorId: string | null }): Promise<DeadlinesResult> {
    const asOf = options.asOf ?? this.today();
    const result = await this.transactions.run(async (em) => {
      await this.repository.liftStatementTimeout(em);
      const params = new SqlParams();
      const overdue = await this.notifications.overdue(em, this.repository.markOverdueCte(asOf, params), params);
      const reminders = await this.notifications.deadlineReminders(em, asOf, this.config.reminderDays);
      const escalations = await this.notifications.escalations(em, asOf, this.config.escalationStepDays);
      const digests = await this.notifications.headDigests(em, asOf);
      const robots = await this.channels.dailyDigests(em, asOf);
      const idempotencyKeysExpired = await this.idempotency.deleteExpired(em);
      const dormantAccountsDisabled = await this.dormant.disable(em, options.actorId);
      if (dormantAccountsDisabled > 0) await this.notices.tell(em, SECURITY_MESSAGES.dormant(dormantAccountsDisabled, this.dormant.days));
      const sessionsPurged = await this.sessions.purge(em);
      const result: DeadlinesResult = {
        asOf,
        markedOverdue: overdue.marked,
        overdueNotices: overdue.notices,
        reminders,
        escalations,
        digests,
        regionDigests: robots.regions,
        robotMessages: robots.messages,
        idempotencyKeysExpired,
        dormantAccountsDisabled,
        sessionsPurged,
      };
      await this.audit.append(em, {
        actorId: options.actorId,
        action: 'job.run',
        entity: 'job',
        entityId: DEADLINES_JOB,
        regionCode: null,
        data: { slot: options.slot, ...result },
      });
      return result;
    });
    if (result.dormantAccountsDisabled > 0) this.dormant.forget();
    // the robot messages are committed: send them now rather than at the next poll
    if (result.robotMessages > 0) this.channels.kick();
    return result;
  }
}
