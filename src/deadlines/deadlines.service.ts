import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { todayIn } from '../common/dates.js';
import { Transactions } from '../common/transactions.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { DeadlinesRepository } from './deadlines.repository.js';

export const DEADLINES_JOB = 'deadlines';

export interface DeadlinesResult {
  asOf: string;
  markedOverdue: number;
  reminders: number;
  escalations: number;
  /** Idempotency-Key records past their retention, deleted. */
  idempotencyKeysExpired: number;
}

/**
 * 整改期限跟踪: one run, as of a calendar date in TZ, in one transaction of
 * set-based statements — mark overdue, remind the heads before the deadline,
 * escalate overdue major hazards to the bureaus, and forget Idempotency-Key
 * records past their retention. Every notice is unique per
 * (finding, kind, recipient), so a re-run of a day sends nothing twice.
 * (No per-finding "overdue" notice: the head was reminded before the deadline
 * and sees the overdue mark; a notice for each of hundreds of thousands of
 * findings on a catch-up run would triple the job's cost.)
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
  ) {}

  today(): string {
    return todayIn(this.config.timeZone);
  }

  run(options: { asOf?: string; slot: string; actorId: string | null }): Promise<DeadlinesResult> {
    const asOf = options.asOf ?? this.today();
    return this.transactions.run(async (em) => {
      const marked = await this.repository.markOverdue(em, asOf);
      const reminders = await this.notifications.deadlineReminders(em, asOf, this.config.reminderDays);
      const escalations = await this.notifications.escalations(em);
      const idempotencyKeysExpired = await this.idempotency.deleteExpired(em);
      const result: DeadlinesResult = { asOf, markedOverdue: marked.length, reminders, escalations, idempotencyKeysExpired };
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
  }
}
