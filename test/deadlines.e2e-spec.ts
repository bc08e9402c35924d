import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Factories, findingIn, twoRegionWorld, type TwoRegionWorld } from './factories/world.js';
import { createEmptyDatabase } from './helpers/test-database.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

const AS_OF = '2026-06-20';
const EMPTY = {
  markedOverdue: 0,
  overdueNotices: 0,
  reminders: 0,
  escalations: 0,
  digests: 0,
  regionDigests: 0,
  robotMessages: 0,
  idempotencyKeysExpired: 0,
  dormantAccountsDisabled: 0,
  sessionsPurged: 0,
};

describe('deadlines job', () => {
  let t: TestApp;
  let f: Factories;
  let w: TwoRegionWorld;
  let ids: Record<string, string>;
  let bureauProvince: { id: string };
  const run = (asOf?: string) =>
    request(t.http)
      .post('/api/v1/jobs/deadlines/run')
      .set('Authorization', `Bearer ${w.admin.token}`)
      .send(asOf ? { asOf } : {});

  beforeAll(async () => {
    t = await createTestApp();
    f = await Factories.for(t);
    w = await twoRegionWorld(f);
    bureauProvince = await f.user({ role: 'bureau', regionCode: '520000' });
    const at = { institutionId: w.instCj.id, regionCode: '522633' };
    ids = {
      yesterday: await findingIn(f, { ...at, deadline: '2026-06-19' }),
      today: await findingIn(f, { ...at, deadline: '2026-06-20' }),
      threeAhead: await findingIn(f, { ...at, deadline: '2026-06-23' }),
      fourAhead: await findingIn(f, { ...at, deadline: '2026-06-24' }),
      majorLate: await findingIn(f, { ...at, deadline: '2026-06-10', severity: 'major' }),
      pendingLate: await findingIn(f, { ...at, deadline: '2026-06-18', status: 'pending_verification' }),
      closedLate: await findingIn(f, { ...at, deadline: '2026-06-01', status: 'closed' }),
      otherRegionMajorLate: await findingIn(f, {
        institutionId: w.instXc.id,
        regionCode: '513336',
        deadline: '2026-06-15',
        severity: 'major',
      }),
    };
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  const notices = async (kind: string) =>
    (
      await f.db.query<{ finding_id: string; recipient_id: string }>('SELECT finding_id, recipient_id FROM notifications WHERE kind = $1', [
        kind,
      ])
    ).rows;
  const name = (id: string) => Object.entries(ids).find(([, v]) => v === id)?.[0];

  it('marks overdue past the deadline, reminds within REMINDER_DAYS, escalates overdue major hazards', async () => {
    const res = await run(AS_OF);
    expect(res.status).toBe(200);
    // overdue: yesterday, majorLate, pendingLate (head of 从江 told of each), otherRegionMajorLate (head of 乡城);
    // reminders: today and three days ahead, to the head of 从江
    // escalations (ladder, 7 days a level): majorLate is 9 days overdue → bureaus of 522633 and 522600;
    // otherRegionMajorLate 4 days → its own region 513336 only, which has no bureau user (not yet 513300)
    expect(res.body).toEqual({ ...EMPTY, asOf: AS_OF, markedOverdue: 4, overdueNotices: 4, reminders: 2, escalations: 2, digests: 2 });
    const { rows } = await f.db.query<{ id: string; overdue: boolean; overdue_since: string | null }>(
      'SELECT id, overdue, overdue_since FROM findings',
    );
    const overdue = Object.fromEntries(rows.map((r) => [name(r.id), [r.overdue, r.overdue_since]]));
    expect(overdue).toEqual({
      yesterday: [true, '2026-06-20'],
      today: [false, null],
      threeAhead: [false, null],
      fourAhead: [false, null],
      majorLate: [true, '2026-06-11'],
      pendingLate: [true, '2026-06-19'],
      closedLate: [false, null],
      otherRegionMajorLate: [true, '2026-06-16'],
    });
    expect((await notices('deadline_reminder')).map((n) => [name(n.finding_id), n.recipient_id]).sort()).toEqual(
      [
        ['threeAhead', w.headCj.id],
        ['today', w.headCj.id],
      ].sort(),
    );
    const escalations = (await notices('escalation')).map((n) => [name(n.finding_id), n.recipient_id]);
    expect(escalations.sort()).toEqual(
      [
        ['majorLate', w.bureauCj.id],
        ['majorLate', w.bureauQdn.id],
      ].sort(),
    );
    expect(escalations.some(([, r]) => r === bureauProvince.id)).toBe(false);
    expect((await notices('overdue')).map((n) => [name(n.finding_id), n.recipient_id]).sort()).toEqual(
      [
        ['majorLate', w.headCj.id],
        ['otherRegionMajorLate', w.headXc.id],
        ['pendingLate', w.headCj.id],
        ['yesterday', w.headCj.id],
      ].sort(),
    );
    const audit = await f.db.query(
      `SELECT actor_id, data FROM audit_events WHERE action = 'job.run' AND entity = 'job' AND entity_id = 'deadlines'`,
    );
    expect(audit.rows).toEqual([{ actor_id: w.admin.id, data: { slot: 'manual', ...res.body } }]);
  });

  it('sends nothing twice when the day is run again, also by two runs at once', async () => {
    const before = await f.count('notifications');
    const [a, b] = await Promise.all([run(AS_OF), run(AS_OF)]);
    expect([a.body, b.body]).toEqual([
      { ...EMPTY, asOf: AS_OF },
      { ...EMPTY, asOf: AS_OF },
    ]);
    expect(await f.count('notifications')).toBe(before);
  });

  it('moves on with the calendar: the next day makes today overdue and reminds the four-days one', async () => {
    const res = await run('2026-06-21');
    expect(res.body).toEqual({ ...EMPTY, asOf: '2026-06-21', markedOverdue: 1, overdueNotices: 1, reminders: 1, digests: 1 });
  });

  it('validates asOf and is for admins only', async () => {
    expect((await run('2026-13-01')).status).toBe(400);
    const bureau = await request(t.http).post('/api/v1/jobs/deadlines/run').set('Authorization', `Bearer ${w.bureauQdn.token}`).send({});
    expect(bureau.status).toBe(403);
  });

  it('runs without the request statement_timeout (a national run takes minutes), and only its own transaction does', async () => {
    // the job's audit event fails unless the statement_timeout in force is none
    await f.db.query(`CREATE FUNCTION assert_no_timeout() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.action = 'job.run' AND current_setting('statement_timeout') <> '0' THEN
          RAISE EXCEPTION 'statement_timeout is %', current_setting('statement_timeout');
        END IF;
        RETURN NEW;
      END $$`);
    await f.db.query('CREATE TRIGGER assert_no_timeout BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION assert_no_timeout()');
    try {
      expect((await run('2026-06-25')).status).toBe(200);
      // the pool's other work keeps the request timeout
      const [row] = (await t.app.get(DataSource).query(`SELECT current_setting('statement_timeout') AS timeout`)) as { timeout: string }[];
      expect(row.timeout).toBe('1min');
    } finally {
      await f.db.query('DROP TRIGGER assert_no_timeout ON audit_events; DROP FUNCTION assert_no_timeout()');
    }
  });
});

describe('deadlines cron across instances', () => {
  it('runs each one-second slot once in total with two instances on one database', async () => {
    const url = await createEmptyDatabase();
    const env = { DEADLINES_CRON: '* * * * * *' };
    const first = await createTestApp({ databaseUrl: url, env });
    const second = await createTestApp({ databaseUrl: url, env });
    await new Promise((r) => setTimeout(r, 3_500));
    await Promise.all([first.close(), second.close()]);
    const f = await Factories.for(first);
    try {
      const runs = await f.db.query<{ slot: string }>(`SELECT slot FROM job_runs WHERE job = 'deadlines' ORDER BY slot`);
      expect(runs.rows.length).toBeGreaterThanOrEqual(2);
      const audited = await f.db.query<{ slot: string; n: number }>(
        `SELECT data->>'slot' AS slot, count(*)::int AS n FROM audit_events WHERE action = 'job.run' GROUP BY 1 ORDER BY 1`,
      );
      // every slot that ran was claimed once, and audited once
      expect(audited.rows.every((r) => r.n === 1)).toBe(true);
      expect(audited.rows.map((r) => r.slot).every((slot) => runs.rows.some((r) => r.slot === slot))).toBe(true);
      expect(audited.rows.length).toBeGreaterThanOrEqual(runs.rows.length - 1);
      for (const { slot } of runs.rows) expect(slot).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
    } finally {
      await f.close();
    }
  }, 20_000);
});
