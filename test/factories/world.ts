import { JwtService } from '@nestjs/jwt';
import { hash } from '@node-rs/argon2';
import { createSecretKey } from 'node:crypto';
import pg from 'pg';
import type { TestApp } from '../helpers/test-app.js';

export const FIXTURE_PASSWORD = 'fixture-password-123';

// hashing once keeps fixtures fast; every fixture user has this password
let passwordHash: Promise<string> | undefined;
const fixtureHash = () => (passwordHash ??= hash(FIXTURE_PASSWORD));

export interface FixtureUser {
  id: string;
  username: string;
  role: 'admin' | 'security_admin' | 'auditor' | 'bureau' | 'inspector' | 'institution_head';
  regionCode: string | null;
  institutionId: string | null;
  token: string;
}

/** Direct SQL factories on the spec's database, and tokens signed like the app signs them. */
export class Factories {
  private counter = 0;

  private constructor(
    readonly db: pg.Pool,
    private readonly jwt: JwtService,
  ) {}

  static async for(t: TestApp): Promise<Factories> {
    const db = new pg.Pool({ connectionString: t.databaseUrl, max: 4 });
    return new Factories(db, t.app.get(JwtService));
  }

  /**
   * Factories on a database that a separate service process uses (no app in
   * this process): tokens are signed with that service's JWT secret. The pool
   * survives the database going away (its idle clients are dropped, not thrown).
   */
  static forDatabase(databaseUrl: string, jwtSecret: string): Factories {
    const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
    db.on('error', () => undefined);
    const jwt = new JwtService({ secret: createSecretKey(Buffer.from(jwtSecret, 'utf8')), signOptions: { algorithm: 'HS256' } });
    return new Factories(db, jwt);
  }

  async close(): Promise<void> {
    await this.db.end();
  }

  unique(prefix: string): string {
    this.counter += 1;
    return `${prefix}-${this.counter}-${Math.random().toString(36).slice(2, 7)}`;
  }

  /** Regions with their materialized paths; parents first. Existing codes are left alone. */
  async regions(list: [code: string, name: string, parentCode: string | null][]): Promise<void> {
    for (const [code, name, parentCode] of list) {
      const level = code.length === 9 ? 'township' : code.endsWith('0000') ? 'province' : code.endsWith('00') ? 'city' : 'county';
      await this.db.query(
        `INSERT INTO regions (code, name, level, parent_code, path)
         VALUES ($1::varchar, $2, $3, $4::varchar, COALESCE((SELECT path FROM regions WHERE code = $4::varchar), '/') || $1::varchar || '/')
         ON CONFLICT (code) DO NOTHING`,
        [code, name, level, parentCode],
      );
    }
  }

  async institution(fields: {
    regionCode: string;
    name?: string;
    type?: string;
    creditCode?: string | null;
  }): Promise<{ id: string; regionCode: string; name: string }> {
    const name = fields.name ?? this.unique('机构');
    const { rows } = await this.db.query<{ id: string }>(
      'INSERT INTO institutions (name, type, region_code, credit_code) VALUES ($1, $2, $3, $4) RETURNING id',
      [name, fields.type ?? 'elderly_care', fields.regionCode, fields.creditCode ?? null],
    );
    return { id: rows[0].id, regionCode: fields.regionCode, name };
  }

  async user(fields: {
    role: FixtureUser['role'];
    regionCode?: string;
    institutionId?: string;
    username?: string;
    active?: boolean;
  }): Promise<FixtureUser> {
    const username = fields.username ?? this.unique(fields.role);
    const { rows } = await this.db.query<{ id: string }>(
      `INSERT INTO users (username, password_hash, display_name, role, region_code, institution_id, active)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        username,
        await fixtureHash(),
        username,
        fields.role,
        fields.regionCode ?? null,
        fields.institutionId ?? null,
        fields.active ?? true,
      ],
    );
    const id = rows[0].id;
    const token = await this.token(id);
    return { id, username, role: fields.role, regionCode: fields.regionCode ?? null, institutionId: fields.institutionId ?? null, token };
  }

  /** An access token of a new session of the user (as a login makes one; the refresh secret is not kept). */
  async token(userId: string, tokenVersion = 1): Promise<string> {
    const { rows } = await this.db.query<{ id: string }>(
      `INSERT INTO auth_sessions (user_id, token_version, refresh_digest, expires_at) VALUES ($1, $2, 'factory', now() + interval '12 hours') RETURNING id`,
      [userId, tokenVersion],
    );
    return this.jwt.signAsync({ sub: userId, ver: tokenVersion, sid: rows[0].id }, { expiresIn: '12h' });
  }

  async count(table: string): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    return Number(rows[0].n);
  }

  /** The last audit event written and how many there are: "nothing changed" means these did not move. */
  /** The trail's last event and size, for "changes nothing" checks: the record of a refusal itself (auth.forbidden) is not a change. */
  async auditHead(): Promise<{ lastId: string | null; events: number }> {
    const { rows } = await this.db.query<{ last_id: string | null; n: string }>(
      `SELECT max(id)::text AS last_id, count(*) AS n FROM audit_events WHERE action <> 'auth.forbidden'`,
    );
    return { lastId: rows[0].last_id, events: Number(rows[0].n) };
  }
}

/**
 * Two provinces to cross: 贵州 (黔东南州: 从江县, 黎平县) and 四川 (甘孜州: 乡城县),
 * an institution in each county and a user of every role on each side.
 */
export async function twoRegionWorld(f: Factories) {
  await f.regions([
    ['520000', '贵州省', null],
    ['522600', '黔东南苗族侗族自治州', '520000'],
    ['522633', '从江县', '522600'],
    ['522631', '黎平县', '522600'],
    ['510000', '四川省', null],
    ['513300', '甘孜藏族自治州', '510000'],
    ['513336', '乡城县', '513300'],
  ]);
  const instCj = await f.institution({ regionCode: '522633', name: '从江县社会福利院' });
  const instLp = await f.institution({ regionCode: '522631', name: '黎平县敬老院', type: 'community_elderly' });
  const instXc = await f.institution({ regionCode: '513336', name: '乡城县敬老院' });
  const admin = await f.user({ role: 'admin' });
  const bureauQdn = await f.user({ role: 'bureau', regionCode: '522600' });
  const bureauCj = await f.user({ role: 'bureau', regionCode: '522633' });
  const bureauGz = await f.user({ role: 'bureau', regionCode: '513300' });
  const inspectorCj = await f.user({ role: 'inspector', regionCode: '522633' });
  const inspectorXc = await f.user({ role: 'inspector', regionCode: '513336' });
  const headCj = await f.user({ role: 'institution_head', institutionId: instCj.id });
  const headXc = await f.user({ role: 'institution_head', institutionId: instXc.id });
  return { instCj, instLp, instXc, admin, bureauQdn, bureauCj, bureauGz, inspectorCj, inspectorXc, headCj, headXc };
}

export type TwoRegionWorld = Awaited<ReturnType<typeof twoRegionWorld>>;

/** A finding written straight into the database, in any state (for state-machine tables). */
export async function findingIn(
  f: Factories,
  fields: {
    institutionId: string;
    regionCode: string;
    status?: 'open' | 'pending_verification' | 'closed';
    severity?: 'general' | 'major';
    deadline?: string;
    foundOn?: string;
    rectifiedBy?: string;
    createdBy?: string;
    overdue?: boolean;
  },
): Promise<string> {
  const status = fields.status ?? 'open';
  const severity = fields.severity ?? 'general';
  const { rows } = await f.db.query<{ id: string }>(
    `INSERT INTO findings (institution_id, region_code, title, severity, status, found_on, deadline, supervised, rectification, closed_at, created_by, overdue, overdue_since)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, CASE WHEN $12 THEN $7::date + 1 END) RETURNING id`,
    [
      fields.institutionId,
      fields.regionCode,
      f.unique('隐患'),
      severity,
      status,
      fields.foundOn ?? '2026-06-01',
      fields.deadline ?? '2026-06-16',
      severity === 'major',
      status === 'open'
        ? null
        : JSON.stringify({ note: '已整改', attachmentIds: [], by: fields.rectifiedBy ?? null, at: '2026-06-05T08:00:00.000Z' }),
      status === 'closed' ? new Date('2026-06-06T08:00:00Z') : null,
      fields.createdBy ?? null,
      fields.overdue ?? false,
    ],
  );
  return rows[0].id;
}
