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
}

/**
 * 整改期限跟踪: one run, as of a calendar date in TZ, in one transaction of
 * set-based statements — mark overdue and tell the heads (one statement),
 * remind the heads before the deadline, escalate overdue major hazards up the
 * region ladder, give each head one digest of the day, make each region's
 * robot digest, and forget Idempotency-Key records past their retention.
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
    // the robot messages are committed: send them now rather than at the next poll
    if (result.robotMessages > 0) this.channels.kick();
    return result;
  }
}
