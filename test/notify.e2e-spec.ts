import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rectifiedFieldFinding } from './factories/field.js';
import { Factories, findingIn, twoRegionWorld, type TwoRegionWorld } from './factories/world.js';
import { api } from './helpers/api.js';
import { PNG_1PX } from './helpers/files.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

/** Calendar arithmetic on YYYY-MM-DD (UTC noon: no DST edge). */
const plus = (date: string, days: number) => new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe('overdue notices and the escalation ladder (ESCALATION_STEP_DAYS = 7)', () => {
  let t: TestApp;
  let f: Factories;
  let w: TwoRegionWorld;
  let bureauProvince: Awaited<ReturnType<Factories['user']>>;

  beforeAll(async () => {
    t = await createTestApp();
    f = await Factories.for(t);
    w = await twoRegionWorld(f);
    bureauProvince = await f.user({ role: 'bureau', regionCode: '520000' });
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  const run = async (asOf: string) => {
    const res = await api(t).as(w.admin).post('/jobs/deadlines/run', { asOf });
    expect(res.status).toBe(200);
    return res.body as Record<string, number | string>;
  };

  it('climbs one region level per 7 overdue days over 30 simulated days: county on day 0, city after 7, province after 14, once each', async () => {
    const deadline = '2026-08-10';
    const major = await findingIn(f, { institutionId: w.instCj.id, regionCode: '522633', severity: 'major', deadline });
    const general = await findingIn(f, { institutionId: w.instCj.id, regionCode: '522633', severity: 'general', deadline });
    const reached: Record<string, string[]> = {};
    for (let day = 0; day <= 30; day++) {
      const asOf = plus(deadline, 1 + day); // the first overdue day is deadline + 1
      const before = await f.db.query<{ id: string }>(`SELECT id FROM notifications WHERE kind = 'escalation'`);
      await run(asOf);
      const news = await f.db.query<{ recipient_id: string }>(
        `SELECT recipient_id FROM notifications WHERE kind = 'escalation' AND finding_id = $1 AND NOT (id = ANY($2::uuid[]))`,
        [major, before.rows.map((r) => r.id)],
      );
      if (news.rows.length > 0) reached[String(day)] = news.rows.map((r) => r.recipient_id).sort();
    }
    // day 0 is the county alone (the old rule told the county and the city at once)
    expect(reached).toEqual({ '0': [w.bureauCj.id], '7': [w.bureauQdn.id], '14': [bureauProvince.id] });
    const escalations = await f.db.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'escalation' AND finding_id = $1`, [
      general,
    ]);
    expect(escalations.rows[0].n).toBe(0);

    // the finding's history shows each level reached
    const finding = (await api(t).as(w.bureauQdn).get(`/findings/${major}`).expect(200)).body;
    const escalated = finding.history.filter((e: { action: string }) => e.action === 'escalated').map((e: { data: unknown }) => e.data);
    expect(escalated).toEqual([
      { regionCode: '522633', recipients: 1, asOf: plus(deadline, 1) },
      { regionCode: '522600', recipients: 1, asOf: plus(deadline, 8) },
      { regionCode: '520000', recipients: 1, asOf: plus(deadline, 15) },
    ]);

    // the head sees exactly one overdue notice per overdue finding, through the API, after 31 runs
    const mine = (await api(t).as(w.headCj).get('/notifications?pageSize=500').expect(200)).body.items as {
      kind: string;
      findingId: string | null;
    }[];
    const overdue = mine.filter((n) => n.kind === 'overdue' && (n.findingId === major || n.findingId === general));
    expect(overdue.map((n) => n.findingId).sort()).toEqual([major, general].sort());
  });

  it('gives each head one digest a day instead of many, with the findings it is about; a re-run adds nothing', async () => {
    const inst = await f.institution({ regionCode: '522631', name: '黎平县第二敬老院' });
    const head = await f.user({ role: 'institution_head', institutionId: inst.id });
    const asOf = '2027-03-10';
    const late = await Promise.all(
      [1, 2, 3].map((d) => findingIn(f, { institutionId: inst.id, regionCode: '522631', deadline: plus(asOf, -d) })),
    );
    const soon = await findingIn(f, { institutionId: inst.id, regionCode: '522631', deadline: plus(asOf, 2) });
    await run(asOf);
    const list = async () => (await api(t).as(head).get('/notifications?pageSize=100').expect(200)).body.items as Record<string, unknown>[];
    const items = await list();
    expect(items.filter((n) => n.kind === 'overdue')).toHaveLength(3);
    expect(items.filter((n) => n.kind === 'deadline_reminder')).toHaveLength(1);
    const digests = items.filter((n) => n.kind === 'digest');
    expect(digests).toHaveLength(1);
    expect(digests[0]).toMatchObject({
      findingId: null,
      message: '今日整改汇总：新逾期隐患 3 项，即将到期隐患 1 项。请逐项整改并上传整改材料。',
    });
    expect((digests[0].findingIds as string[]).sort()).toEqual([...late, soon].sort());
    const overdueNotice = items.find((n) => n.kind === 'overdue')!;
    expect(overdueNotice.findingIds).toEqual([overdueNotice.findingId]);

    const again = await run(asOf);
    expect(again).toMatchObject({ markedOverdue: 0, overdueNotices: 0, digests: 0 });
    expect(await list()).toHaveLength(items.length);
    // read it like any notification
    const read = await api(t)
      .as(head)
      .post(`/notifications/${digests[0].id as string}/read`)
      .expect(200);
    expect(read.body.readAt).toEqual(expect.any(String));
    expect((await api(t).as(head).get('/notifications?unread=true&pageSize=100').expect(200)).body.total).toBe(items.length - 1);
  });
});

describe('a finding’s audit trail', () => {
  let t: TestApp;
  let f: Factories;

  beforeAll(async () => {
    t = await createTestApp();
    f = await Factories.for(t);
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  it('lists create, rectify and verify for a finding made by a submit and closed; the chain verifies', async () => {
    const found = await rectifiedFieldFinding(t, f, PNG_1PX);
    const inspector = found.inspector;
    await api(t).as(inspector).post(`/findings/${found.findingId}/verify`, { accepted: true, note: '现场复核已整改' }).expect(200);
    const admin = await f.user({ role: 'admin' });
    const trail = await api(t).as(found.bureau).get(`/audit?entity=finding&entityId=${found.findingId}`).expect(200);
    expect(trail.body.items.map((e: { action: string }) => e.action)).toEqual(['finding.create', 'finding.rectify', 'finding.verify']);
    expect(trail.body.items[0]).toMatchObject({
      actorId: inspector.id,
      entity: 'finding',
      entityId: found.findingId,
      regionCode: found.institution.regionCode,
      data: { inspectionId: found.inspectionId, institutionId: found.institution.id, severity: 'general', itemCode: expect.any(String) },
    });
    // one finding.create per finding the submit made, no more
    const creates = await f.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'finding.create' AND entity_id = $1`, [
      found.findingId,
    ]);
    expect(creates.rows[0].n).toBe(1);
    const verified = await api(t).as(admin).get('/audit/verify').expect(200);
    expect(verified.body).toMatchObject({ ok: true, firstBadSeq: null });
  });
});
