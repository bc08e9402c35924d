import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Transactions } from '../common/transactions.js';
import { SECURITY_MESSAGES } from './messages.zh-CN.js';
import { NotificationsRepository } from './notifications.repository.js';

/** Refusals (403, 404) of one account within this window … */
export const REFUSAL_WINDOW_MINUTES = 5;
/** … that make a burst worth telling (once per window). */
export const REFUSAL_BURST = 20;
const MAX_TRACKED = 10_000;

/**
 * What the security admins are told in the app (等保: 安全审计 — 对安全事件
 * 告警): lockouts, a copied refresh token, bursts of refused requests from
 * one account, a failed verification of the audit chain, dormant accounts
 * disabled. With no security admin yet, the admins are told.
 */
@Injectable()
export class SecurityNotices implements OnModuleInit {
  private readonly logger = new Logger('SecurityNotices');
  private readonly refusals = new Map<string, { since: number; count: number; told: boolean }>();

  constructor(
    private readonly repository: NotificationsRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.audit.whenChainBroken((firstBadSeq) => this.tellNow(SECURITY_MESSAGES.chainBroken(firstBadSeq)));
  }

  /** Tells them inside the caller's transaction (it commits with the event). */
  tell(em: EntityManager, message: string): Promise<number> {
    return this.repository.insertSecurity(em, message);
  }

  /** Tells them in a transaction of its own; a failure is logged, never thrown at the request that caused it. */
  async tellNow(message: string): Promise<void> {
    await this.transactions.run((em) => this.tell(em, message)).catch((error: unknown) => this.logger.error(String(error)));
  }

  /** Counts a refused request (403 or 404) of a known account; the REFUSAL_BURST-th in the window tells them. */
  async refused(actor: { id: string; username: string }, now = Date.now()): Promise<void> {
    const windowMs = REFUSAL_WINDOW_MINUTES * 60_000;
    let entry = this.refusals.get(actor.id);
    if (!entry || now - entry.since > windowMs) {
      if (this.refusals.size >= MAX_TRACKED) this.refusals.delete(this.refusals.keys().next().value as string);
      entry = { since: now, count: 0, told: false };
      this.refusals.set(actor.id, entry);
    }
    entry.count++;
    if (entry.count >= REFUSAL_BURST && !entry.told) {
      entry.told = true;
      await this.tellNow(SECURITY_MESSAGES.refusalBurst(actor.username, entry.count, REFUSAL_WINDOW_MINUTES));
    }
  }
}
