import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import request from 'supertest';
import { ReportRollups } from '../src/reports/report-rollups.js';
import { ReportsRecount } from '../src/reports/reports-recount.js';
import { ReportsRepository, type ListRow, type ReportWindow } from '../src/reports/reports.repository.js';
import { Factories, type FixtureUser } from './factories/world.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

/**
 * The monthly reports read findings from roll-ups the database keeps in the
 * transactions that change findings. Here they are held equal to a full
 * recount (ReportsRecount, the reports' definition) after every kind of
 * change, at every level from the country to a township, for the months
 * around the changes: random findings in batches (statement triggers),
 * closings, deadline and severity changes, moves between regions and
 * sections, deletions, an institution changing type, a rolled-back
 * transaction, concurrent inserts, the service's own workflow over HTTP, a
 * change of time zone (a rebuild) and a TRUNCATE.
 */

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function generator(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)] };
}

const MONTHS = ['2026-04', '2026-05', '2026-06', '2026-07', '2026-08'];
const REGIONS: [code: string, path: string][] = [
  ['000000', '/'],
  ['520000', '/520000/'],
  ['522600', '/520000/522600/'],
  ['522633', '/520000/522600/522633/'],
  ['522633101', '/520000/522600/522633/522633101/'],
  ['510000', '/510000/'],
];
const SECTIONS = ['消防安全', '疏散通道', '食品安全', null];
const TYPES = ['elderly_care', 'community_elderly', 'child_welfare', 'funeral'];

describe('report roll-ups equal a full recount', () => {
  let t: TestApp;
  let f: Factories;
  let rollups: ReportsRepository;
  let recount: ReportsRecount;
  let institutions: { id: string; regionCode: string }[];
  let bureau: FixtureUser;
  let head: FixtureUser;
  const random = generator(20260604);

  /** An instant near a month boundary or inside the month, in [2026-03-25, 2026-09-05). */
  const instant = (): Date => {
    const month = random.int(6) + 3; // 3..8
    const base = Date.UTC(2026, month, 1) - 8 * 3_600_000; // local midnight (CST) of the 1st of month+1
    const offset = random.next() < 0.4 ? (random.next() - 0.5) * 4 * 3_600_000 : -random.next() * 28 * 86_400_000;
    return new Date(base + offset);
  };
  const day = (d: Date) => d.toISOString().slice(0, 10);

  async function compareAll(timeZone: string, label: string): Promise<number> {
    let compared = 0;
    for (const month of MONTHS) {
      for (const [code, path] of REGIONS) {
        const w: ReportWindow = { monthStart: `${month}-01`, timeZone, regionPath: path };
        const depth = path === '/' ? 0 : path.split('/').filter(Boolean).length;
        const where = `${label} ${code} ${month}`;
        const [summary, expected] = await Promise.all([rollups.summary(w), recount.summary(w)]);
        expect({ where, ...summary }).toEqual({ where, ...expected });
        expect({ where, rows: await rollups.byChildRegion(w, code, depth) }).toEqual({
          where,
          rows: await recount.byChildRegion(w, code, depth),
        });
        expect({ where, rows: await rollups.byType(w) }).toEqual({ where, rows: await recount.byType(w) });
        expect({ where, rows: await rollups.bySection(w, '临时检查发现') }).toEqual({
          where,
          rows: await recount.bySection(w, '临时检查发现'),
        });
        for (const which of ['major', 'overdue'] as const) {
          const full = (await recount.list(w, which, 7)) as { rows: (ListRow & { total?: number })[]; total: number };
          expect({ where, which, rows: await rollups.list(w, which, 7) }).toEqual({
            where,
            which,
            rows: full.rows.map(({ total: _total, ...row }) => row),
          });
          expect({ where, which, total: which === 'major' ? summary.major : summary.overdue }).toEqual({ where, which, total: full.total });
        }
        compared += 1;
      }
    }
    return compared;
  }

  async function insertFindings(n: number, db: pg.Pool | pg.PoolClient = f.db): Promise<void> {
    const rows = Array.from({ length: n }, () => {
      const inst = random.pick(institutions);
      const created = instant();
      const closed = random.next() < 0.5 ? new Date(created.getTime() + random.next() * 70 * 86_400_000) : null;
      const deadline = new Date(created.getTime() + (random.next() * 60 - 5) * 86_400_000);
      return [
        inst.id,
        inst.regionCode,
        random.next() < 0.2 ? 'major' : 'general',
        created.toISOString(),
        closed?.toISOString() ?? null,
        day(deadline),
        random.pick(SECTIONS),
      ];
    });
    await db.query(
      `INSERT INTO findings (institution_id, region_code, title, severity, supervised, status, found_on, deadline, created_at, closed_at, section_title)
       SELECT i, r, '隐患' || n, s, s = 'major', CASE WHEN cl IS NULL THEN 'open' ELSE 'closed' END, (c AT TIME ZONE 'Asia/Shanghai')::date, d, c, cl, sec
       FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::timestamptz[], $5::timestamptz[], $6::date[], $7::varchar[])
            WITH ORDINALITY AS x(i, r, s, c, cl, d, sec, n)`,
      [0, 1, 2, 3, 4, 5, 6].map((k) => rows.map((row) => row[k])),
    );
  }

  const ids = async (where: string, n: number): Promise<string[]> =>
    (
      await f.db.query<{ id: string }>(`SELECT id FROM findings WHERE ${where} ORDER BY md5(id::text || $1) LIMIT $2`, [
        String(random.int(1e9)),
        n,
      ])
    ).rows.map((r) => r.id);

  beforeAll(async () => {
    t = await createTestApp();
    f = await Factories.for(t);
    await f.regions([
      ['520000', '贵州省', null],
      ['520100', '贵阳市', '520000'],
      ['522600', '黔东南苗族侗族自治州', '520000'],
      ['522633', '从江县', '522600'],
      ['522633101', '丙妹镇', '522633'],
      ['522633102', '下江镇', '522633'],
      ['522631', '黎平县', '522600'],
      ['510000', '四川省', null],
      ['513300', '甘孜藏族自治州', '510000'],
      ['513336', '乡城县', '513300'],
    ]);
    institutions = [];
    for (const [regionCode, type] of [
      ['520000', 'elderly_care'],
      ['520100', 'community_elderly'],
      ['522633', 'elderly_care'],
      ['522633101', 'community_elderly'],
      ['522633101', 'elderly_care'],
      ['522633102', 'child_welfare'],
      ['522631', 'funeral'],
      ['513336', 'elderly_care'],
      ['513300', 'community_elderly'],
    ])
      institutions.push(await f.institution({ regionCode, type }));
    await f.db.query('UPDATE institutions SET active = false WHERE id = $1', [institutions[8].id]);
    bureau = await f.user({ role: 'bureau', regionCode: '520000' });
    head = await f.user({ role: 'institution_head', institutionId: institutions[3].id });
    rollups = t.app.get(ReportsRepository);
    recount = t.app.get(ReportsRecount);
  });

  afterAll(async () => {
    await f?.close();
    await t?.close();
  });

  it('after random batches, closings, deadline, severity, region, section and type changes, and deletions', async () => {
    expect(await compareAll('Asia/Shanghai', 'empty')).toBe(30);
    for (let step = 0; step < 4; step++) {
      await insertFindings(60);
      // closings, each step in one statement (the row trigger for each row)
      const closing = await ids(`status = 'open'`, 8);
      await f.db.query(`UPDATE findings SET status = 'pending_verification' WHERE id = ANY($1)`, [closing]);
      await f.db.query(`UPDATE findings SET closed_at = created_at + make_interval(days => $2), status = 'closed' WHERE id = ANY($1)`, [
        closing,
        random.int(50),
      ]);
      await f.db.query(`UPDATE findings SET deadline = deadline + $2::int WHERE id = ANY($1)`, [await ids('TRUE', 8), random.int(40) - 10]);
      await f.db.query(
        `UPDATE findings SET severity = CASE severity WHEN 'major' THEN 'general' ELSE 'major' END, supervised = NOT supervised WHERE id = ANY($1)`,
        [await ids('TRUE', 4)],
      );
      await f.db.query(`UPDATE findings SET section_title = $2 WHERE id = ANY($1)`, [await ids('TRUE', 4), random.pick(SECTIONS)]);
      await f.db.query(`UPDATE findings SET region_code = $2 WHERE id = ANY($1)`, [
        await ids('TRUE', 3),
        random.pick(['522633102', '513336', '520100']),
      ]);
      await f.db.query(`UPDATE findings SET created_at = created_at - interval '20 days' WHERE id = ANY($1)`, [await ids('TRUE', 3)]);
      // an update that touches no counted column leaves the roll-ups alone (and is not counted twice)
      await f.db.query(`UPDATE findings SET overdue = NOT overdue, description = 'x' WHERE id = ANY($1)`, [await ids('TRUE', 20)]);
      await f.db.query('DELETE FROM findings WHERE id = ANY($1)', [await ids('TRUE', 5)]);
      const inst = institutions[random.int(8)];
      await f.db.query('UPDATE institutions SET type = $2 WHERE id = $1', [inst.id, random.pick(TYPES)]);
      expect(await compareAll('Asia/Shanghai', `step ${step}`)).toBe(30);
    }
    const { rows } = await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM findings');
    expect(rows[0].n).toBe(4 * 60 - 4 * 5);
  }, 120_000);

  it('a rolled-back transaction leaves them as they were; concurrent inserts lose nothing', async () => {
    const before = await rollups.summary({ monthStart: '2026-06-01', timeZone: 'Asia/Shanghai', regionPath: '/' });
    const client = await f.db.connect();
    try {
      await client.query('BEGIN');
      await insertFindings(30, client);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    expect(await rollups.summary({ monthStart: '2026-06-01', timeZone: 'Asia/Shanghai', regionPath: '/' })).toEqual(before);

    const { rows: counted } = await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM findings');
    await Promise.all(Array.from({ length: 6 }, () => insertFindings(25)));
    const { rows: after } = await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM findings');
    expect(after[0].n).toBe(counted[0].n + 150);
    expect(await compareAll('Asia/Shanghai', 'concurrent')).toBe(30);
  }, 60_000);

  it("through the service's own workflow: found, extended, rectified and verified over HTTP", async () => {
    const post = (u: FixtureUser, path: string, body: object) =>
      request(t.http).post(`/api/v1${path}`).set('Authorization', `Bearer ${u.token}`).send(body);
    const month = new Date().toISOString().slice(0, 7);
    const w: ReportWindow = { monthStart: `${month}-01`, timeZone: 'Asia/Shanghai', regionPath: '/520000/' };
    const before = await rollups.summary(w);
    const created = await post(bureau, '/findings', { institutionId: institutions[3].id, title: '消防通道堆放杂物', severity: 'major' });
    expect(created.status).toBe(201);
    const general = await post(bureau, '/findings', { institutionId: institutions[3].id, title: '灭火器压力不足', severity: 'general' });
    expect(general.status).toBe(201);
    expect((await post(bureau, `/findings/${general.body.id}/extend`, { workdays: 30, reason: '需采购新设备' })).status).toBe(200);
    expect((await post(head, `/findings/${general.body.id}/rectify`, { note: '已更换灭火器' })).status).toBe(200);
    expect((await post(bureau, `/findings/${general.body.id}/verify`, { accepted: true })).status).toBe(200);

    const after = await rollups.summary(w);
    expect(after.found - before.found).toBe(2);
    expect(after.major - before.major).toBe(1);
    expect(after.closed - before.closed).toBe(1);
    expect(after.open - before.open).toBe(1);
    expect(after).toEqual(await recount.summary(w));
    const res = await request(t.http)
      .get(`/api/v1/reports/summary?regionCode=520000&month=${month}`)
      .set('Authorization', `Bearer ${bureau.token}`);
    expect(res.status).toBe(200);
    expect(res.body.findings).toEqual({
      found: after.found,
      major: after.major,
      closed: after.closed,
      open: after.open,
      overdue: after.overdue,
    });
  }, 60_000);

  it('a new time zone recounts them at boot; TRUNCATE empties them', async () => {
    const utc: ReportWindow = { monthStart: '2026-06-01', timeZone: 'UTC', regionPath: '/' };
    const shanghai = await recount.summary({ ...utc, timeZone: 'Asia/Shanghai' });
    // another instance configured for UTC: the same findings fall into other months near the boundaries
    const other = await createTestApp({ databaseUrl: t.databaseUrl, env: { TZ: 'UTC' } });
    try {
      const { rows } = await f.db.query<{ time_zone: string }>('SELECT time_zone FROM report_settings');
      expect(rows).toEqual([{ time_zone: 'UTC' }]);
      const expected = await recount.summary(utc);
      expect(expected).not.toEqual(shanghai);
      expect(await other.app.get(ReportsRepository).summary(utc)).toEqual(expected);
      for (const month of MONTHS) {
        const w = { ...utc, monthStart: `${month}-01` };
        expect({ month, summary: await rollups.summary(w) }).toEqual({ month, summary: await recount.summary(w) });
        expect({ month, rows: await rollups.byType(w) }).toEqual({ month, rows: await recount.byType(w) });
      }
      // booting again in the same zone does not recount
      expect(await other.app.get(ReportRollups).syncTimeZone()).toBe(false);
    } finally {
      await other.close();
    }
    await t.app.get(ReportRollups).syncTimeZone(); // back to this instance's zone
    expect(await compareAll('Asia/Shanghai', 'rebuilt')).toBe(30);

    await f.db.query('TRUNCATE findings CASCADE');
    const { rows } = await f.db.query<{ n: number }>(
      'SELECT (SELECT count(*) FROM finding_rollups) + (SELECT count(*) FROM finding_type_rollups) + (SELECT count(*) FROM finding_section_rollups) AS n',
    );
    expect(Number(rows[0].n)).toBe(0);
    expect(await compareAll('Asia/Shanghai', 'truncated')).toBe(30);
  }, 120_000);
});
