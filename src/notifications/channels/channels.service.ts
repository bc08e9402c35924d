import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../access/actor.js';
import { Role } from '../../access/roles.js';
import { AuditService } from '../../audit/audit.service.js';
import type { AppConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { CommonError, DomainException } from '../../common/problem/domain.exception.js';
import { Transactions } from '../../common/transactions.js';
import { OutboxRepository, type OutboxTarget } from '../outbox.repository.js';
import { ChannelError } from './channels.errors.js';
import { ChannelsRepository, type ChannelRow, type RegionRow } from './channels.repository.js';
import type { ChannelsDto, PutChannelsDto } from './dto/channels.dto.js';
import { digestMarkdown, digestTitle, hasNews, testMarkdown } from './digest-message.js';
import { RobotDispatcher } from './robot-dispatcher.js';
import { maskSecret, maskUrl, urlRefusal, type RobotKind } from './robots.js';

/** A region's test messages: at most one burst per this many seconds (the robots allow about 20 a minute). */
const TEST_EVERY_SECONDS = 10;

@Injectable()
export class ChannelsService {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly repository: ChannelsRepository,
    private readonly outbox: OutboxRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly dispatcher: RobotDispatcher,
  ) {}

  /** After a commit that queued robot messages: send them now. */
  kick(): void {
    this.dispatcher.kick();
  }

  async get(actor: Actor, code: string): Promise<ChannelsDto> {
    await this.regionFor(actor, code);
    return toDto(code, await this.repository.find(code));
  }

  async put(actor: Actor, code: string, input: PutChannelsDto): Promise<ChannelsDto> {
    const region = await this.regionFor(actor, code);
    return this.transactions.run(async (em) => {
      const current = await this.repository.find(code, em, true);
      const next: Omit<ChannelRow, 'updated_at'> = {
        region_code: region.code,
        wecom_webhook_url: this.merge(input.wecomWebhookUrl, current?.wecom_webhook_url ?? null, maskUrl),
        dingtalk_webhook_url: this.merge(input.dingtalkWebhookUrl, current?.dingtalk_webhook_url ?? null, maskUrl),
        dingtalk_secret: this.merge(input.dingtalkSecret, current?.dingtalk_secret ?? null, maskSecret),
      };
      const errors = [
        ...this.refusal('wecom', 'wecomWebhookUrl', input.wecomWebhookUrl, next.wecom_webhook_url),
        ...this.refusal('dingtalk', 'dingtalkWebhookUrl', input.dingtalkWebhookUrl, next.dingtalk_webhook_url),
      ];
      if (next.dingtalk_secret && !next.dingtalk_webhook_url)
        errors.push({ field: 'dingtalkSecret', message: 'needs a dingtalkWebhookUrl' });
      if (errors.length > 0) {
        throw new DomainException(ChannelError.InvalidRequest, errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
      }
      await this.repository.save(em, next, actor.id);
      const change = (before: string | null | undefined, after: string | null) =>
        (before ?? null) === after ? 'unchanged' : after === null ? 'removed' : 'set';
      // what changed, never the URLs (they carry the robots' tokens) nor the secret
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'region.channels.update',
        entity: 'region',
        entityId: code,
        regionCode: code,
        data: {
          wecomWebhookUrl: change(current?.wecom_webhook_url, next.wecom_webhook_url),
          dingtalkWebhookUrl: change(current?.dingtalk_webhook_url, next.dingtalk_webhook_url),
          dingtalkSecret: change(current?.dingtalk_secret, next.dingtalk_secret),
        },
      });
      return toDto(code, { ...next, updated_at: new Date() });
    });
  }

  /** Queues one test message per configured robot of the region (发送测试消息). */
  async test(actor: Actor, code: string): Promise<{ queued: number }> {
    const region = await this.regionFor(actor, code);
    const channel = await this.repository.find(code);
    const targets = robotsOf(channel);
    if (targets.length === 0) throw new DomainException(ChannelError.NoChannel, `Region ${code} has no work-group robot set`);
    const last = await this.repository.lastTestAt(code);
    if (last && Date.now() - new Date(last).getTime() < TEST_EVERY_SECONDS * 1000) {
      throw new DomainException(CommonError.RateLimited, `A test message was sent less than ${TEST_EVERY_SECONDS} s ago`);
    }
    const result = await this.transactions.run(async (em) => {
      const at = new Date().toLocaleString('zh-CN', { timeZone: this.config.timeZone, hour12: false });
      const payload = { title: '排查系统测试消息', markdown: testMarkdown(region.name, at), test: true };
      const queued = await this.outbox.queue(
        em,
        targets.map((target) => ({ target, regionCode: code, payload })),
      );
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'region.channels.test',
        entity: 'region',
        entityId: code,
        regionCode: code,
        data: { targets },
      });
      return { queued };
    });
    this.kick();
    return result;
  }

  /**
   * Inside the deadlines job's transaction: one digest per region with a
   * robot and day, over its subtree, queued once for each of its robots
   * (none on a day without news). Returns regions digested and messages queued.
   */
  async dailyDigests(em: EntityManager, asOf: string): Promise<{ regions: number; messages: number }> {
    const digests = await this.repository.digests(em, asOf, this.config.reminderDays, this.config.escalationStepDays);
    if (digests.length === 0) return { regions: 0, messages: 0 };
    const channels = new Map<string, OutboxTarget[]>();
    for (const d of digests) channels.set(d.regionCode, robotsOf(await this.repository.find(d.regionCode, em)));
    const claimed = new Set(
      await this.repository.claimDigests(
        em,
        asOf,
        digests.map((d) => ({
          regionCode: d.regionCode,
          counts: {
            newFindings: d.newFindings,
            newlyOverdue: d.newlyOverdue,
            dueSoon: d.dueSoon,
            escalations: d.escalations,
            overdueTotal: d.overdueTotal,
          },
          messages: hasNews(d) ? (channels.get(d.regionCode)?.length ?? 0) : 0,
        })),
      ),
    );
    const rows = digests
      .filter((d) => claimed.has(d.regionCode) && hasNews(d))
      .flatMap((d) => {
        const payload = { title: digestTitle(d), markdown: digestMarkdown(d, this.config.reminderDays, this.config.publicBaseUrl) };
        return (channels.get(d.regionCode) ?? []).map((target) => ({ target, regionCode: d.regionCode, payload }));
      });
    return { regions: claimed.size, messages: await this.outbox.queue(em, rows) };
  }

  /** The region, if this actor may manage its channels: admin, or a bureau of exactly that region (403 above or below, 404 outside). */
  private async regionFor(actor: Actor, code: string): Promise<RegionRow> {
    const region = await this.repository.region(code);
    const visible = region && (actor.role === Role.Admin || (actor.regionPath !== null && region.path.startsWith(actor.regionPath)));
    if (!region || !visible) throw new DomainException(ChannelError.RegionNotFound, `Region ${code} not found`);
    if (actor.role !== Role.Admin && actor.regionCode !== code) {
      throw new DomainException(ChannelError.NotYourRegion, `Only the bureau of region ${code} (or an admin) sets its robots`);
    }
    return region;
  }

  private merge(input: string | null | undefined, current: string | null, mask: (v: string | null) => string | null): string | null {
    if (input === undefined) return current;
    if (input === null || input.trim() === '') return null;
    if (current !== null && input === mask(current)) return current;
    return input.trim();
  }

  private refusal(
    kind: RobotKind,
    field: string,
    input: string | null | undefined,
    value: string | null,
  ): { field: string; message: string }[] {
    if (input === undefined || value === null) return [];
    const reason = urlRefusal(kind, value, this.config.channelAllowAnyHost);
    return reason ? [{ field, message: reason }] : [];
  }
}

function robotsOf(channel: ChannelRow | undefined): OutboxTarget[] {
  if (!channel) return [];
  return [...(channel.wecom_webhook_url ? (['wecom'] as const) : []), ...(channel.dingtalk_webhook_url ? (['dingtalk'] as const) : [])];
}

function toDto(code: string, row: ChannelRow | undefined): ChannelsDto {
  return {
    regionCode: code,
    wecomWebhookUrl: maskUrl(row?.wecom_webhook_url ?? null),
    dingtalkWebhookUrl: maskUrl(row?.dingtalk_webhook_url ?? null),
    dingtalkSecret: maskSecret(row?.dingtalk_secret ?? null),
    updatedAt: row?.updated_at ? new Date(row.updated_at).toISOString() : null,
  };
}
