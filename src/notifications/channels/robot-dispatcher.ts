import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { backoffSeconds } from '../webhook-dispatcher.js';
import { OutboxRepository, type OutboxRow } from '../outbox.repository.js';
import { ChannelsRepository } from './channels.repository.js';
import { classifyAnswer, robotPayload, robotUrl, type RobotKind, type RobotOutcome } from './robots.js';

const POLL_MS = 1_000;
const BATCH = 10;
const LEASE_SECONDS = 60;
/** A robot that hangs is given up on after this long (the attempt is retried later). */
export const ROBOT_TIMEOUT_MS = 5_000;
/** After a "too many messages" answer: the robots count per minute. */
export const RATE_LIMIT_BACKOFF_SECONDS = 60;
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * Delivers the outbox's `wecom` and `dingtalk` rows to the region's robots,
 * at least once: the URL (and DingTalk's secret, for the signature) are read
 * from the region's channels when sent, never copied into the outbox. No
 * redirect is followed; each attempt has a 5 s timeout; a non-zero `errcode`
 * is retried with the outbox's backoff, a rate-limit answer after a minute,
 * and what retrying cannot fix is given up and recorded. Runs beside the
 * API and the job, so a hanging robot slows neither. Errors are logged and
 * recorded without the URL or the secret. It polls only while robot rows
 * wait (checked at boot, and woken by `kick()` when rows are queued), so a
 * service without robots does not query the outbox every second.
 */
@Injectable()
export class RobotDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Robots');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** Rows may be waiting: poll. Cleared when a pass finds none left. */
  private active = true;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly channels: ChannelsRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), POLL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** New rows were committed: deliver them now and poll until none waits. */
  kick(): void {
    this.active = true;
    void this.tick();
  }

  /** One pass over the due deliveries (also callable directly). */
  tick(): Promise<void> {
    if (this.running || this.stopped || !this.active) return this.running ?? Promise.resolve();
    this.running = this.deliverDue()
      .catch((error: unknown) => this.logger.warn(`robot pass failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async deliverDue(): Promise<void> {
    for (;;) {
      const rows = await this.outbox.claimDue(['wecom', 'dingtalk'], BATCH, LEASE_SECONDS);
      if (this.stopped) return this.outbox.release(rows.map((row) => row.id));
      if (rows.length === 0) {
        this.active = await this.outbox.hasPending(['wecom', 'dingtalk']);
        return;
      }
      await Promise.all(rows.map((row) => this.deliver(row)));
    }
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const kind = row.target as RobotKind;
    const channel = row.region_code ? await this.channels.find(row.region_code) : undefined;
    const webhook = kind === 'wecom' ? channel?.wecom_webhook_url : channel?.dingtalk_webhook_url;
    if (!webhook) return this.settle(row, { kind: 'permanent', reason: 'the region no longer has this robot' });
    const payload = row.payload as { title: string; markdown: string };
    let outcome: RobotOutcome;
    try {
      const res = await fetch(robotUrl(kind, webhook, channel?.dingtalk_secret ?? null), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
        body: JSON.stringify(robotPayload(kind, payload.title, payload.markdown)),
        redirect: 'manual',
        signal: AbortSignal.timeout(ROBOT_TIMEOUT_MS),
      });
      outcome = classifyAnswer(kind, res.status, await readCapped(res));
    } catch (error) {
      outcome = { kind: 'retry', reason: failureReason(error) };
    }
    await this.settle(row, outcome);
  }

  private async settle(row: OutboxRow, outcome: RobotOutcome): Promise<void> {
    const where = `${row.target} robot of region ${row.region_code}, delivery ${row.id}`;
    switch (outcome.kind) {
      case 'delivered':
        return this.outbox.delivered(row.id);
      case 'permanent':
        this.logger.warn(`${where}: given up (${outcome.reason})`);
        return this.outbox.gaveUp(row.id, outcome.reason);
      case 'rate_limited':
        return this.outbox.failed(row.id, Math.max(RATE_LIMIT_BACKOFF_SECONDS, backoffSeconds(row.attempts)), outcome.reason);
      case 'retry':
        this.logger.warn(`${where}: attempt ${row.attempts} failed (${outcome.reason})`);
        return this.outbox.failed(row.id, backoffSeconds(row.attempts), outcome.reason);
    }
  }
}

/** What went wrong, in words that never carry the URL: a timeout, or the cause's code (ECONNREFUSED …). */
function failureReason(error: unknown): string {
  const cause = (error as { cause?: { name?: string; code?: string } }).cause;
  // the only abort is the timeout's (its error is an AbortError or a TimeoutError, depending on where it struck)
  const aborted = (name: string | undefined) => name === 'TimeoutError' || name === 'AbortError';
  if (aborted((error as { name?: string }).name) || aborted(cause?.name)) return 'timed out after 5 s';
  return cause?.code ?? 'network error';
}

/** The answer's text, at most 64 KiB (a robot that answers garbage forever is cut off by the timeout). */
async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}
