import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { OutboxRepository, type OutboxRow } from './outbox.repository.js';

const POLL_MS = 1_000;
const BATCH = 20;
const LEASE_SECONDS = 60;
const TIMEOUT_MS = 10_000;
const MAX_BACKOFF_SECONDS = 3_600;

/** Exponential backoff after the n-th failed attempt: 1 s, 2 s, 4 s … up to an hour. */
export function backoffSeconds(attempts: number): number {
  return Math.min(MAX_BACKOFF_SECONDS, 2 ** Math.max(0, attempts - 1));
}

/** `sha256=<hex HMAC-SHA256 of the exact body>` with WEBHOOK_SECRET. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Delivers the webhook outbox when WEBHOOK_URL is set: polls for due rows,
 * POSTs each signed, marks it delivered on a 2xx, and otherwise retries with
 * exponential backoff (1 s, 2 s, 4 s … up to an hour). The outbox lives in
 * the database, so deliveries survive restarts; SKIP LOCKED and a lease keep
 * several instances from sending the same row at the same time.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly repository: OutboxRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.webhookUrl || !this.config.webhookSecret) return;
    this.timer = setInterval(() => void this.tick(), POLL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass over the due deliveries (also callable directly). */
  tick(): Promise<void> {
    if (this.running || this.stopped) return this.running ?? Promise.resolve();
    this.running = this.deliverDue()
      .catch((error: unknown) => this.logger.warn(`webhook pass failed: ${String(error)}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async deliverDue(): Promise<void> {
    for (;;) {
      const rows = await this.repository.claimDue(['webhook'], BATCH, LEASE_SECONDS);
      if (this.stopped) return this.repository.release(rows.map((row) => row.id));
      if (rows.length === 0) return;
      await Promise.all(rows.map((row) => this.deliver(row)));
    }
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const body = JSON.stringify(row.payload);
    try {
      const res = await fetch(this.config.webhookUrl as string, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'X-Paicha-Signature': webhookSignature(this.config.webhookSecret as string, body),
          'X-Paicha-Delivery': row.id,
        },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await res.body?.cancel().catch(() => undefined);
      if (res.ok) {
        await this.repository.delivered(row.id);
        return;
      }
      await this.retry(row, `HTTP ${res.status}`);
    } catch (error) {
      await this.retry(row, error instanceof Error ? error.message : String(error));
    }
  }

  private async retry(row: OutboxRow, reason: string): Promise<void> {
    const seconds = backoffSeconds(row.attempts);
    await this.repository.failed(row.id, seconds, reason);
  }
}
