import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { CryptoService } from '../../crypto/crypto.service.js';
import type { RegionDigest } from './digest-message.js';

export interface ChannelRow {
  region_code: string;
  wecom_webhook_url: string | null;
  dingtalk_webhook_url: string | null;
  dingtalk_secret: string | null;
  updated_at: Date | null;
}

export interface RegionRow {
  code: string;
  name: string;
  path: string;
}

/** How many top items a digest lists. */
const TOP = 5;

/** The columns that carry a robot's token or secret: encrypted at rest (`enc1.…`, CryptoService). */
const SECRET_COLUMNS = ['wecom_webhook_url', 'dingtalk_webhook_url', 'dingtalk_secret'] as const;

/**
 * A region's robots. The webhook URLs (their tokens) and DingTalk's signing
 * secret are written encrypted and read back in clear for the service and
 * the dispatcher only; a value still in clear (written before they were
 * encrypted, and not yet sealed at boot) reads as it is.
 */
@Injectable()
export class ChannelsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly crypto: CryptoService,
  ) {}

  async region(code: string): Promise<RegionRow | undefined> {
    const rows = (await this.dataSource.query('SELECT code, name, path FROM regions WHERE code = $1', [code])) as RegionRow[];
    return rows[0];
  }

  async find(regionCode: string, em: EntityManager = this.dataSource.manager, lock = false): Promise<ChannelRow | undefined> {
    const rows = (await em.query(
      `SELECT region_code, wecom_webhook_url, dingtalk_webhook_url, dingtalk_secret, updated_at FROM region_channels WHERE region_code = $1${lock ? ' FOR UPDATE' : ''}`,
      [regionCode],
    )) as ChannelRow[];
    return rows[0] && this.open(rows[0]);
  }

  async save(em: EntityManager, row: Omit<ChannelRow, 'updated_at'>, actorId: string): Promise<void> {
    await em.query(
      `INSERT INTO region_channels (region_code, wecom_webhook_url, dingtalk_webhook_url, dingtalk_secret, updated_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (region_code) DO UPDATE SET wecom_webhook_url = EXCLUDED.wecom_webhook_url, dingtalk_webhook_url = EXCLUDED.dingtalk_webhook_url,
         dingtalk_secret = EXCLUDED.dingtalk_secret, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [row.region_code, this.seal(row.wecom_webhook_url), this.seal(row.dingtalk_webhook_url), this.seal(row.dingtalk_secret), actorId],
    );
  }

  /** Encrypts the URLs and secrets still stored in clear (rows locked with SKIP LOCKED: several instances share the work). */
  async sealClear(): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      const rows = (await em.query(
        `SELECT region_code, wecom_webhook_url, dingtalk_webhook_url, dingtalk_secret FROM region_channels
          WHERE ${SECRET_COLUMNS.map((c) => `${c} NOT LIKE 'enc1.%'`).join(' OR ')} FOR UPDATE SKIP LOCKED`,
      )) as Omit<ChannelRow, 'updated_at'>[];
      for (const row of rows) {
        // updated_at stays: sealing changes how a value is stored, not the value
        await em.query(
          `UPDATE region_channels SET wecom_webhook_url = $2, dingtalk_webhook_url = $3, dingtalk_secret = $4 WHERE region_code = $1`,
          [row.region_code, ...SECRET_COLUMNS.map((c) => this.seal(row[c]))],
        );
      }
      return rows.length;
    });
  }

  private seal(value: string | null): string | null {
    return value === null || CryptoService.isEncrypted(value) ? value : this.crypto.encrypt(value);
  }

  private open(row: ChannelRow): ChannelRow {
    const open = (value: string | null) => (value !== null && CryptoService.isEncrypted(value) ? this.crypto.decrypt(value) : value);
    return {
      ...row,
      wecom_webhook_url: open(row.wecom_webhook_url),
      dingtalk_webhook_url: open(row.dingtalk_webhook_url),
      dingtalk_secret: open(row.dingtalk_secret),
    };
  }

  /**
   * The digest of every region with a robot and no digest yet for `asOf`,
   * over its subtree, since its previous digest (else the day before): found,
   * newly overdue, due within `reminderDays`, escalations that reached it (an
   * overdue major finding j levels below reaches it `j × stepDays` days after
   * its first overdue day), overdue in all, and the top items.
   */
  async digests(em: EntityManager, asOf: string, reminderDays: number, stepDays: number): Promise<RegionDigest[]> {
    const rows = (await em.query(
      `WITH ch AS (
         SELECT c.region_code, r.name, r.path, cardinality(string_to_array(trim(BOTH '/' FROM r.path), '/')) AS depth,
                COALESCE((SELECT max(d.digest_on) FROM region_digests d WHERE d.region_code = c.region_code AND d.digest_on < $1::date),
                         $1::date - 1) AS since
         FROM region_channels c JOIN regions r ON r.code = c.region_code
         WHERE (c.wecom_webhook_url IS NOT NULL OR c.dingtalk_webhook_url IS NOT NULL)
           AND NOT EXISTS (SELECT 1 FROM region_digests d WHERE d.region_code = c.region_code AND d.digest_on = $1::date)
       ), flagged AS (
         SELECT ch.region_code, f.id, f.title, f.severity, f.deadline, f.overdue, i.name AS institution,
                f.found_on > ch.since AND f.found_on <= $1::date AS is_new,
                f.overdue AND f.status <> 'closed' AND f.overdue_since > ch.since AND f.overdue_since <= $1::date AS newly_overdue,
                f.status IN ('open', 'pending_verification') AND NOT f.overdue AND f.deadline >= $1::date
                  AND f.deadline <= $1::date + $2::int AS due_soon,
                f.severity = 'major' AND f.overdue AND f.status <> 'closed'
                  AND f.overdue_since + (cardinality(string_to_array(trim(BOTH '/' FROM fr.path), '/')) - ch.depth) * $3::int > ch.since
                  AND f.overdue_since + (cardinality(string_to_array(trim(BOTH '/' FROM fr.path), '/')) - ch.depth) * $3::int <= $1::date AS escalated,
                f.overdue AND f.status <> 'closed' AS overdue_open
         FROM ch JOIN regions fr ON fr.path LIKE ch.path || '%' JOIN findings f ON f.region_code = fr.code
         JOIN institutions i ON i.id = f.institution_id
       )
       SELECT ch.region_code, ch.name,
              count(x.id) FILTER (WHERE x.is_new)::int AS new_findings, count(x.id) FILTER (WHERE x.newly_overdue)::int AS newly_overdue,
              count(x.id) FILTER (WHERE x.due_soon)::int AS due_soon, count(x.id) FILTER (WHERE x.escalated)::int AS escalations,
              count(x.id) FILTER (WHERE x.overdue_open)::int AS overdue_total,
              COALESCE((SELECT jsonb_agg(t) FROM (
                 SELECT y.id, y.institution, y.title, y.severity, y.deadline::text AS deadline, y.overdue FROM flagged y
                 WHERE y.region_code = ch.region_code AND (y.escalated OR y.newly_overdue OR y.due_soon)
                 ORDER BY y.escalated DESC, y.severity = 'major' DESC, y.overdue DESC, y.deadline, y.id LIMIT ${TOP}) t), '[]'::jsonb) AS top
       FROM ch LEFT JOIN flagged x ON x.region_code = ch.region_code
       GROUP BY ch.region_code, ch.name ORDER BY ch.region_code`,
      [asOf, reminderDays, stepDays],
    )) as {
      region_code: string;
      name: string;
      new_findings: number;
      newly_overdue: number;
      due_soon: number;
      escalations: number;
      overdue_total: number;
      top: RegionDigest['top'];
    }[];
    return rows.map((r) => ({
      regionCode: r.region_code,
      regionName: r.name,
      asOf,
      newFindings: r.new_findings,
      newlyOverdue: r.newly_overdue,
      dueSoon: r.due_soon,
      escalations: r.escalations,
      overdueTotal: r.overdue_total,
      top: r.top,
    }));
  }

  /** Claims (region, day) for these digests; returns the regions claimed now (a concurrent run waits, then gets none). */
  async claimDigests(
    em: EntityManager,
    asOf: string,
    claims: { regionCode: string; counts: Record<string, number>; messages: number }[],
  ): Promise<string[]> {
    if (claims.length === 0) return [];
    const rows = (await em.query(
      `INSERT INTO region_digests (region_code, digest_on, counts, messages)
       SELECT c.region_code, $1::date, c.counts, c.messages FROM jsonb_to_recordset($2::jsonb) AS c(region_code text, counts jsonb, messages int)
       ON CONFLICT (region_code, digest_on) DO NOTHING RETURNING region_code`,
      [asOf, JSON.stringify(claims.map((c) => ({ region_code: c.regionCode, counts: c.counts, messages: c.messages })))],
    )) as { region_code: string }[];
    return rows.map((r) => r.region_code);
  }

  /** When the last test message of the region was queued (to refuse a burst). */
  async lastTestAt(regionCode: string): Promise<Date | null> {
    const rows = (await this.dataSource.query(
      `SELECT max(created_at) AS at FROM webhook_outbox WHERE region_code = $1 AND payload->>'test' = 'true'`,
      [regionCode],
    )) as { at: Date | null }[];
    return rows[0]?.at ?? null;
  }
}
