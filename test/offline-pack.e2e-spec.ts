import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { MINI_TEMPLATE } from './factories/templates.js';
import { Factories, findingIn, twoRegionWorld, type FixtureUser, type TwoRegionWorld } from './factories/world.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';
import { bearer } from './helpers/api.js';

const ANSWERS = [
  { itemCode: 'A01', result: 'pass' },
  { itemCode: 'A02', result: 'fail', note: '标志破损' },
  { itemCode: 'B01', result: 'pass', value: 2 },
  { itemCode: 'B02', result: 'pass', value: '记录完整' },
];

interface Pack {
  generatedAt: string;
  user: { id: string; role: string };
  inspections: { id: string; institutionId: string; kind: string; status: string; template: { code: string }; answers: unknown[] }[];
  findings: { id: string; status: string; institutionId: string }[];
  institutions: { id: string; name: string }[];
}

describe('GET /me/offline-pack', () => {
  let t: TestApp;
  let f: Factories;
  let w: TwoRegionWorld;
  let instCj2: { id: string };
  let inspectorCj2: FixtureUser;
  const ids: Record<string, string> = {};
  const auth = bearer;
  const pack = (u: FixtureUser, ifNoneMatch?: string) => {
    const req = request(t.http).get('/api/v1/me/offline-pack').set(auth(u));
    return ifNoneMatch === undefined ? req : req.set('If-None-Match', ifNoneMatch);
  };
  const inspectionOf = async (roundId: string, institutionId: string) =>
    (await request(t.http).get(`/api/v1/inspections?roundId=${roundId}&institutionId=${institutionId}`).set(auth(w.bureauQdn))).body
      .items[0].id as string;

  async function openRound(by: FixtureUser, body: Record<string, unknown>): Promise<string> {
    const created = await request(t.http)
      .post('/api/v1/rounds')
      .set(auth(by))
      .send({
        startsOn: '2026-06-01',
        endsOn: '2026-12-31',
        templates: Object.fromEntries((body.institutionTypes as string[]).map((type) => [type, 'mini-check'])),
        ...body,
      });
    expect([created.status, created.body.errors]).toEqual([201, undefined]);
    expect((await request(t.http).post(`/api/v1/rounds/${created.body.id}/open`).set(auth(by))).status).toBe(200);
    return created.body.id as string;
  }

  beforeAll(async () => {
    t = await createTestApp();
    f = await Factories.for(t);
    w = await twoRegionWorld(f);
    instCj2 = await f.institution({ regionCode: '522633', name: '从江县第二养老院' });
    inspectorCj2 = await f.user({ role: 'inspector', regionCode: '522633' });
    expect((await request(t.http).post('/api/v1/templates').set(auth(w.admin)).send(MINI_TEMPLATE)).status).toBe(201);

    // a supervisory round over the prefecture: 从江 (2 homes) and 黎平; the second 从江 home is assigned to another inspector
    const sup1 = await openRound(w.bureauQdn, {
      name: '州督查',
      kind: 'supervisory',
      regionCode: '522600',
      institutionTypes: ['elderly_care', 'community_elderly'],
    });
    ids.sup1Cj = await inspectionOf(sup1, w.instCj.id);
    ids.sup1Cj2 = await inspectionOf(sup1, instCj2.id);
    ids.sup1Lp = await inspectionOf(sup1, w.instLp.id);
    expect(
      (await request(t.http).post(`/api/v1/inspections/${ids.sup1Cj2}/assign`).set(auth(w.bureauCj)).send({ inspectorId: inspectorCj2.id }))
        .status,
    ).toBe(200);
    // a second supervisory round in 从江: the inspector submits the first home's (one finding from A02), the second stays pending
    const sup2 = await openRound(w.bureauCj, {
      name: '县督查',
      kind: 'supervisory',
      regionCode: '522633',
      institutionTypes: ['elderly_care'],
    });
    ids.sup2Cj = await inspectionOf(sup2, w.instCj.id);
    ids.sup2Cj2 = await inspectionOf(sup2, instCj2.id);
    expect(
      (await request(t.http).put(`/api/v1/inspections/${ids.sup2Cj}/answers`).set(auth(w.inspectorCj)).send({ answers: ANSWERS })).status,
    ).toBe(200);
    const submitted = await request(t.http).post(`/api/v1/inspections/${ids.sup2Cj}/submit`).set(auth(w.inspectorCj)).send({});
    expect([submitted.status, submitted.body.findingsCreated]).toEqual([200, 1]);
    ids.submittedFinding = (await f.db.query<{ id: string }>('SELECT id FROM findings WHERE inspection_id = $1', [ids.sup2Cj])).rows[0].id;
    // a self-check round in 从江: one for each home
    const self = await openRound(w.bureauCj, { name: '县自查', kind: 'self', regionCode: '522633', institutionTypes: ['elderly_care'] });
    ids.selfCj = await inspectionOf(self, w.instCj.id);
    ids.selfCj2 = await inspectionOf(self, instCj2.id);

    const cj = { institutionId: w.instCj.id, regionCode: '522633' };
    ids.pendingCj = await findingIn(f, { ...cj, status: 'pending_verification', rectifiedBy: w.headCj.id });
    ids.openCj = await findingIn(f, { ...cj, status: 'open' });
    ids.closedCj = await findingIn(f, { ...cj, status: 'closed' });
    ids.pendingLp = await findingIn(f, { institutionId: w.instLp.id, regionCode: '522631', status: 'pending_verification' });
    ids.pendingCj2 = await findingIn(f, { institutionId: instCj2.id, regionCode: '522633', status: 'pending_verification' });
    ids.pendingByBureau = await findingIn(f, { ...cj, status: 'pending_verification', rectifiedBy: w.bureauQdn.id });
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  const name = (id: string) => Object.entries(ids).find(([, v]) => v === id)?.[0] ?? id;

  it('gives an inspector what it may fill and the findings it may verify, with their institutions', async () => {
    const res = await pack(w.inspectorCj);
    expect(res.status).toBe(200);
    const body = res.body as Pack;
    expect(Object.keys(body)).toEqual(['generatedAt', 'user', 'inspections', 'findings', 'institutions']);
    expect(body.user).toMatchObject({ id: w.inspectorCj.id, role: 'inspector', regionCode: '522633' });
    expect(body.inspections.map((x) => name(x.id))).toEqual(['sup1Cj', 'sup2Cj2']);
    expect(body.findings.map((x) => name(x.id))).toEqual(['pendingCj', 'pendingCj2', 'pendingByBureau']);
    expect(body.institutions.map((x) => x.id).sort()).toEqual([w.instCj.id, instCj2.id].sort());
    // each inspection exactly as GET /inspections/:id gives it: pinned template and answers
    for (const inspection of body.inspections) {
      const one = await request(t.http).get(`/api/v1/inspections/${inspection.id}`).set(auth(w.inspectorCj));
      expect(inspection).toEqual(one.body);
      expect(inspection.template.code).toBe('mini-check');
    }
    const finding = await request(t.http).get(`/api/v1/findings/${ids.pendingCj}`).set(auth(w.inspectorCj));
    expect(body.findings[0]).toEqual(finding.body);
    // the other 从江 inspector: its assigned one and the open ones nobody holds
    const other = (await pack(inspectorCj2)).body as Pack;
    // (inspections of one round are created together: their order among themselves is by id)
    expect(other.inspections.map((x) => name(x.id)).sort()).toEqual(['sup1Cj', 'sup1Cj2', 'sup2Cj2']);
    // an inspector elsewhere has nothing
    const far = (await pack(w.inspectorXc)).body as Pack;
    expect([far.inspections.length, far.findings.length, far.institutions.length]).toEqual([0, 0, 0]);
  });

  it('gives a head its institution’s open inspections and its open and pending findings', async () => {
    const body = (await pack(w.headCj)).body as Pack;
    expect(body.inspections.map((x) => name(x.id))).toEqual(['sup1Cj', 'selfCj']);
    expect(body.findings.map((x) => name(x.id))).toEqual(['submittedFinding', 'pendingCj', 'openCj', 'pendingByBureau']);
    expect(body.institutions.map((x) => x.id)).toEqual([w.instCj.id]);
  });

  it('gives a bureau the findings it may verify in its region and nothing to fill', async () => {
    const res = await pack(w.bureauQdn);
    expect([res.status, res.body.detail]).toEqual([200, undefined]);
    const body = res.body as Pack;
    expect(body.inspections).toEqual([]);
    expect(body.findings.map((x) => name(x.id))).toEqual(['pendingCj', 'pendingLp', 'pendingCj2']);
    expect(body.institutions.map((x) => x.id).sort()).toEqual([w.instCj.id, w.instLp.id, instCj2.id].sort());
    const county = (await pack(w.bureauCj)).body as Pack;
    expect(county.findings.map((x) => name(x.id))).toEqual(['pendingCj', 'pendingCj2', 'pendingByBureau']);
  });

  it('sends a strong ETag over the content: If-None-Match → 304 until an answer is saved', async () => {
    const first = await pack(w.headCj);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    await new Promise((r) => setTimeout(r, 5));
    const second = await pack(w.headCj);
    expect(second.headers.etag).toBe(etag);
    expect(second.body.generatedAt).not.toBe(first.body.generatedAt);

    for (const header of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
      const cached = await pack(w.headCj, header);
      expect([header, cached.status, cached.text, cached.headers.etag]).toEqual([header, 304, '', etag]);
    }
    expect((await pack(w.headCj, '"0000"')).status).toBe(200);
    // another actor's pack has another tag
    expect((await pack(w.inspectorCj)).headers.etag).not.toBe(etag);

    const inspectorTag = (await pack(w.inspectorCj)).headers.etag as string;
    const saved = await request(t.http)
      .put(`/api/v1/inspections/${ids.sup1Cj}/answers`)
      .set(auth(w.inspectorCj))
      .send({ answers: [{ itemCode: 'A01', result: 'pass' }] });
    expect(saved.status).toBe(200);
    const changed = await pack(w.headCj, etag);
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    const sup1 = (changed.body as Pack).inspections.find((x) => x.id === ids.sup1Cj);
    expect([sup1?.status, sup1?.answers.length]).toEqual(['in_progress', 1]);
    expect((await pack(w.inspectorCj, inspectorTag)).status).toBe(200);
    expect((await pack(w.headCj, changed.headers.etag as string)).status).toBe(304);
  });

  it('builds a county inspector’s pack of 300 inspections in a fixed number of queries', async () => {
    await f.regions(
      [
        ['520111', '花溪区', '520100'],
        ['520100', '贵阳市', '520000'],
      ].reverse() as [string, string, string][],
    );
    const bureau = await f.user({ role: 'bureau', regionCode: '520111' });
    const inspector = await f.user({ role: 'inspector', regionCode: '520111' });
    await f.db.query(
      `INSERT INTO institutions (name, type, region_code) SELECT '花溪区养老院' || n, 'elderly_care', '520111' FROM generate_series(1, 300) n`,
    );
    const round = await openRound(bureau, {
      name: '花溪督查',
      kind: 'supervisory',
      regionCode: '520111',
      institutionTypes: ['elderly_care'],
    });
    await f.db.query(
      `INSERT INTO answers (inspection_id, item_code, result, answered_by, answered_at) SELECT id, 'A01', 'pass', $2, now() FROM inspections WHERE round_id = $1`,
      [round, inspector.id],
    );
    const dataSource = t.app.get(DataSource);
    const query = dataSource.query.bind(dataSource);
    let queries = 0;
    dataSource.query = ((...args: Parameters<DataSource['query']>) => {
      queries += 1;
      return query(...args);
    }) as DataSource['query'];
    try {
      const body = (await pack(inspector)).body as Pack;
      expect([body.inspections.length, body.institutions.length, body.findings.length]).toEqual([300, 300, 0]);
      expect(body.inspections.every((x) => x.answers.length === 1 && x.template.code === 'mini-check')).toBe(true);
      expect(queries).toBeLessThanOrEqual(8);
    } finally {
      dataSource.query = query;
    }
  });

  it('leaves out what was submitted or closed since', async () => {
    await f.db.query(`UPDATE findings SET status = 'closed', closed_at = now() WHERE id = $1`, [ids.pendingCj2]);
    await f.db.query(`UPDATE inspections SET status = 'missed' WHERE id = $1`, [ids.sup2Cj2]);
    const body = (await pack(w.inspectorCj)).body as Pack;
    expect(body.inspections.map((x) => name(x.id))).toEqual(['sup1Cj']);
    expect(body.findings.map((x) => name(x.id))).toEqual(['pendingCj', 'pendingByBureau']);
    expect(body.institutions.map((x) => x.id)).toEqual([w.instCj.id]);
  });
});
