import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import request from 'supertest';
import { runDraw, type DrawInput } from '../src/draws/draw-algorithm.js';
import { verifyExport } from '../src/draws/draw-verify.js';
import { MINI_TEMPLATE } from './factories/templates.js';
import { Factories, type FixtureUser } from './factories/world.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

interface Draw {
  id: string;
  seed: string;
  population: { count: number; sha256: string };
  strata: { key: string; population: number; selected: number }[];
  selected: { institutionId: string; institutionName: string; regionCode: string; type: string; inspectorIds: string[] }[];
}

/**
 * 黔东南州 with two counties: 从江 (8 elderly-care homes, 4 community facilities, 3 inspectors)
 * and 黎平 (6 elderly-care homes, 3 inspectors), one inspector of the 州 covering both.
 */
describe('双随机、一公开: draws, recusals, publication', () => {
  let t: TestApp;
  let f: Factories;
  let bureau: FixtureUser;
  let bureauLp: FixtureUser;
  let inspectorsCj: FixtureUser[];
  let inspectorsLp: FixtureUser[];
  let inspectorZhou: FixtureUser;
  const inst: { id: string; regionCode: string; name: string; type: string }[] = [];
  const auth = (u: { token: string }) => ({ Authorization: `Bearer ${u.token}` });
  const regionPath: Record<string, string> = { '522633': '/520000/522600/522633/', '522631': '/520000/522600/522631/' };

  async function newRound(overrides: Record<string, unknown> = {}): Promise<string> {
    const res = await request(t.http)
      .post('/api/v1/rounds')
      .set(auth(bureau))
      .send({
        name: '2026年双随机抽查',
        kind: 'supervisory',
        regionCode: '522600',
        startsOn: '2026-06-01',
        endsOn: '2026-06-30',
        institutionTypes: ['elderly_care', 'community_elderly'],
        templates: { elderly_care: 'mini-check', community_elderly: 'mini-check' },
        ...overrides,
      });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }
  const draw = (roundId: string, body: Record<string, unknown>, by: FixtureUser = bureau) =>
    request(t.http).post(`/api/v1/rounds/${roundId}/draw`).set(auth(by)).send(body);

  beforeAll(async () => {
    t = await createTestApp();
    f = await Factories.for(t);
    await f.regions([
      ['520000', '贵州省', null],
      ['522600', '黔东南苗族侗族自治州', '520000'],
      ['522633', '从江县', '522600'],
      ['522631', '黎平县', '522600'],
    ]);
    for (let i = 0; i < 8; i++)
      inst.push({ ...(await f.institution({ regionCode: '522633', name: `从江县养老院${i}` })), type: 'elderly_care' });
    for (let i = 0; i < 4; i++) {
      inst.push({
        ...(await f.institution({ regionCode: '522633', name: `从江县日间照料中心${i}`, type: 'community_elderly' })),
        type: 'community_elderly',
      });
    }
    for (let i = 0; i < 6; i++)
      inst.push({ ...(await f.institution({ regionCode: '522631', name: `黎平县养老院${i}` })), type: 'elderly_care' });
    bureau = await f.user({ role: 'bureau', regionCode: '522600' });
    bureauLp = await f.user({ role: 'bureau', regionCode: '522631' });
    inspectorsCj = [await f.user({ role: 'inspector', regionCode: '522633' }), await f.user({ role: 'inspector', regionCode: '522633' })];
    inspectorsCj.push(await f.user({ role: 'inspector', regionCode: '522633' }));
    inspectorsLp = [await f.user({ role: 'inspector', regionCode: '522631' }), await f.user({ role: 'inspector', regionCode: '522631' })];
    inspectorsLp.push(await f.user({ role: 'inspector', regionCode: '522631' }));
    inspectorZhou = await f.user({ role: 'inspector', regionCode: '522600' });
    const admin = await f.user({ role: 'admin' });
    expect((await request(t.http).post('/api/v1/templates').set(auth(admin)).send(MINI_TEMPLATE)).status).toBe(201);
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  it('draws exact quotas per stratum, k distinct covering inspectors each, and is byte-identical for the same seed', async () => {
    const roundId = await newRound();
    const body = { ratio: 0.3, stratifyBy: ['type', 'county'], inspectorsPerInspection: 2, seed: 'seed-2026-06' };
    const first = await draw(roundId, body);
    expect(first.status).toBe(201);
    const d = first.body as Draw;
    expect(d.population.count).toBe(18);
    // ⌈0.3·8⌉ = 3, ⌈0.3·4⌉ = 2, ⌈0.3·6⌉ = 2
    expect(d.strata).toEqual([
      { key: 'community_elderly/522633', population: 4, selected: 2 },
      { key: 'elderly_care/522631', population: 6, selected: 2 },
      { key: 'elderly_care/522633', population: 8, selected: 3 },
    ]);
    expect(d.selected).toHaveLength(7);
    const ids = (users: FixtureUser[]) => users.map((u) => u.id);
    for (const s of d.selected) {
      expect(new Set(s.inspectorIds).size).toBe(2);
      const covering = [...(s.regionCode === '522633' ? ids(inspectorsCj) : ids(inspectorsLp)), inspectorZhou.id];
      for (const id of s.inspectorIds) expect(covering).toContain(id);
    }
    const exported = (await request(t.http).get(`/api/v1/rounds/${roundId}/draw/export`).set(auth(bureau)).expect(200)).body;
    const again = await draw(roundId, body);
    expect(again.status).toBe(201);
    const exportedAgain = (await request(t.http).get(`/api/v1/rounds/${roundId}/draw/export`).set(auth(bureau)).expect(200)).body;
    const strip = (e: Record<string, unknown>) => JSON.stringify({ ...e, drawId: undefined, drawnAt: undefined });
    expect(strip(exportedAgain)).toBe(strip(exported));
    expect(JSON.stringify(again.body.selected)).toBe(JSON.stringify(d.selected));
    // verify: the stored draw recomputes
    const verified = await request(t.http).get(`/api/v1/rounds/${roundId}/draw/verify`).set(auth(bureau)).expect(200);
    expect(verified.body).toEqual({
      ok: true,
      recomputedSha256: d.population.sha256,
      currentSha256: d.population.sha256,
      difference: null,
    });
    // each draw is audited, the second naming the one it replaced
    const audit = await f.db.query(`SELECT data FROM audit_events WHERE action = 'draw.create' AND data->>'roundId' = $1 ORDER BY id`, [
      roundId,
    ]);
    expect(audit.rows).toHaveLength(2);
    expect(audit.rows[1].data.replacedDrawId).toBe(d.id);
    expect(await f.db.query('SELECT 1 FROM draws WHERE round_id = $1', [roundId]).then((r) => r.rowCount)).toBe(1);
  });

  it('the outsider verifier (npm run draw:verify) says ok, and names the first difference of a tampered file', async () => {
    const roundId = await newRound();
    await draw(roundId, { count: 5, stratifyBy: ['county'], inspectorsPerInspection: 3 }).expect(201);
    const exported = (await request(t.http).get(`/api/v1/rounds/${roundId}/draw/export`).set(auth(bureau)).expect(200)).body;
    expect(exported.seed).toMatch(/^[0-9a-f]{32}$/);
    // largest remainder of 5 over 12 and 6: 3.33 → 3, 1.67 → 2
    expect(exported.result.strata).toEqual([
      { key: '522631', population: 6, selected: 2 },
      { key: '522633', population: 12, selected: 3 },
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'draw-'));
    const good = join(dir, 'draw.json');
    writeFileSync(good, JSON.stringify(exported));
    expect(execFileSync(process.execPath, ['scripts/draw-verify.mjs', good], { encoding: 'utf8' })).toMatch(/^ok\n/);
    const tampered = structuredClone(exported);
    tampered.population[0].type = tampered.population[0].type === 'elderly_care' ? 'community_elderly' : 'elderly_care';
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(tampered));
    let status = 0;
    let out = '';
    try {
      execFileSync(process.execPath, ['scripts/draw-verify.mjs', bad], { encoding: 'utf8' });
    } catch (error) {
      status = (error as { status: number }).status;
      out = (error as { stdout: string }).stdout;
    }
    expect(status).toBe(1);
    expect(out).toMatch(/^DIFFERENT: result\.population\.sha256: expected "[0-9a-f]{64}", recorded "[0-9a-f]{64}"\n$/);
  });

  it('one changed institution changes population.sha256, and verify reports the live population moved', async () => {
    const roundId = await newRound();
    const before = (await draw(roundId, { ratio: 0.5, stratifyBy: [], inspectorsPerInspection: 2, seed: 's' }).expect(201)).body as Draw;
    const extra = await f.institution({ regionCode: '522631', name: '黎平县新开养老院' });
    const verified = (await request(t.http).get(`/api/v1/rounds/${roundId}/draw/verify`).set(auth(bureau)).expect(200)).body;
    expect(verified.ok).toBe(true);
    expect(verified.currentSha256).not.toBe(before.population.sha256);
    const after = (await draw(roundId, { ratio: 0.5, stratifyBy: [], inspectorsPerInspection: 2, seed: 's' }).expect(201)).body as Draw;
    expect(after.population.count).toBe(before.population.count + 1);
    expect(after.population.sha256).toBe(verified.currentSha256);
    await f.db.query('UPDATE institutions SET active = false WHERE id = $1', [extra.id]);
    const back = (await draw(roundId, { ratio: 0.5, stratifyBy: [], inspectorsPerInspection: 2, seed: 's' }).expect(201)).body as Draw;
    expect(back.population.sha256).toBe(before.population.sha256);
    // a type change of one institution is a different population too
    await f.db.query(`UPDATE institutions SET type = 'community_elderly' WHERE id = $1`, [inst[0].id]);
    const changed = (await draw(roundId, { ratio: 0.5, stratifyBy: [], inspectorsPerInspection: 2, seed: 's' }).expect(201)).body as Draw;
    expect(changed.population.sha256).not.toBe(before.population.sha256);
    await f.db.query(`UPDATE institutions SET type = 'elderly_care' WHERE id = $1`, [inst[0].id]);
  });

  it('never draws a recused inspector; too few eligible → 409 listing the institutions', async () => {
    const target = inst.find((i) => i.regionCode === '522631') as (typeof inst)[number];
    for (const u of [inspectorsLp[0], inspectorsLp[1], inspectorZhou]) {
      const res = await request(t.http)
        .post(`/api/v1/users/${u.id}/recusals`)
        .set(auth(bureau))
        .send({ institutionId: target.id, reason: '近亲属在该机构任职' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        userId: u.id,
        institutionId: target.id,
        institutionName: target.name,
        reason: '近亲属在该机构任职',
      });
    }
    const dup = await request(t.http)
      .post(`/api/v1/users/${inspectorZhou.id}/recusals`)
      .set(auth(bureau))
      .send({ institutionId: target.id, reason: '重复' });
    expect(dup.status).toBe(409);
    const list = await request(t.http).get(`/api/v1/users/${inspectorZhou.id}/recusals`).set(auth(bureau)).expect(200);
    expect(list.body).toMatchObject({ total: 1, page: 1, items: [{ institutionId: target.id }] });

    // only inspectorsLp[2] is left for the target: k = 2 cannot be met when it is drawn (ratio 1 draws everything)
    const roundId = await newRound();
    const refused = await draw(roundId, { ratio: 1, stratifyBy: ['county'], inspectorsPerInspection: 2 });
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('urn:paicha:problem:draw_not_enough_inspectors');
    expect(refused.body.institutions).toEqual([{ institutionId: target.id, institutionName: target.name, eligible: 1 }]);
    expect(await f.db.query('SELECT 1 FROM draws WHERE round_id = $1', [roundId]).then((r) => r.rowCount)).toBe(0);

    // lift one: now drawn, never with a recused inspector, over many seeds
    await request(t.http).delete(`/api/v1/users/${inspectorsLp[1].id}/recusals/${target.id}`).set(auth(bureau)).expect(204);
    await request(t.http).delete(`/api/v1/users/${inspectorsLp[1].id}/recusals/${target.id}`).set(auth(bureau)).expect(404);
    for (let s = 0; s < 10; s++) {
      const d = (await draw(roundId, { ratio: 1, stratifyBy: ['county'], inspectorsPerInspection: 2, seed: `r${s}` }).expect(201))
        .body as Draw;
      const drawn = d.selected.find((x) => x.institutionId === target.id) as Draw['selected'][number];
      expect([...drawn.inspectorIds].sort()).toEqual([inspectorsLp[1].id, inspectorsLp[2].id].sort());
    }
    const events = await f.db.query(`SELECT action FROM audit_events WHERE entity = 'user' AND action LIKE 'recusal.%' ORDER BY id`);
    expect(events.rows.map((r) => r.action)).toEqual(['recusal.create', 'recusal.create', 'recusal.create', 'recusal.delete']);
  });

  it('refuses bad input with 400/404/409 and changes nothing', async () => {
    const roundId = await newRound();
    const selfRound = await newRound({ kind: 'self' });
    const openRound = await newRound();
    await request(t.http).post(`/api/v1/rounds/${openRound}/open`).set(auth(bureau)).expect(200);
    const outside = await f.institution({ regionCode: '522633', name: '从江县另一家' });
    const head = await f.auditHead();
    const cases: [Record<string, unknown>, number][] = [
      [{ ratio: 0.1, count: 3, stratifyBy: [], inspectorsPerInspection: 2 }, 400],
      [{ stratifyBy: [], inspectorsPerInspection: 2 }, 400],
      [{ ratio: 0, stratifyBy: [], inspectorsPerInspection: 2 }, 400],
      [{ ratio: 1.01, stratifyBy: [], inspectorsPerInspection: 2 }, 400],
      [{ ratio: -0.5, stratifyBy: [], inspectorsPerInspection: 2 }, 400],
      [{ ratio: 0.5, stratifyBy: [], inspectorsPerInspection: 1 }, 400],
      [{ ratio: 0.5, stratifyBy: ['risk'], inspectorsPerInspection: 2 }, 400],
      [{ count: 0, stratifyBy: [], inspectorsPerInspection: 2 }, 400],
      [{ ratio: 0.5, stratifyBy: [], inspectorsPerInspection: 2, seed: '' }, 400],
      [{ ratio: 0.5, stratifyBy: [], inspectorsPerInspection: 2, extra: 1 }, 400],
    ];
    for (const [body, status] of cases)
      expect([JSON.stringify(body), (await draw(roundId, body)).status]).toEqual([JSON.stringify(body), status]);
    const ok = { ratio: 0.5, stratifyBy: [], inspectorsPerInspection: 2 };
    // a bureau below the round's region, an unknown round: 404
    expect((await draw(roundId, ok, bureauLp)).status).toBe(404);
    expect((await draw('00000000-0000-4000-8000-000000000000', ok)).status).toBe(404);
    // an inspector may not draw
    expect((await draw(roundId, ok, inspectorsCj[0])).status).toBe(403);
    // a self-check round, an open round → 409
    expect((await draw(selfRound, ok)).status).toBe(409);
    expect((await draw(openRound, ok)).status).toBe(409);
    // recusals out of scope → 404; of a non-inspector → 400
    expect(
      (
        await request(t.http)
          .post(`/api/v1/users/${inspectorsCj[0].id}/recusals`)
          .set(auth(bureauLp))
          .send({ institutionId: outside.id, reason: 'x' })
      ).status,
    ).toBe(404);
    expect(
      (
        await request(t.http)
          .post(`/api/v1/users/${inspectorsLp[0].id}/recusals`)
          .set(auth(bureauLp))
          .send({ institutionId: outside.id, reason: 'x' })
      ).status,
    ).toBe(404);
    expect(
      (
        await request(t.http)
          .post(`/api/v1/users/${bureauLp.id}/recusals`)
          .set(auth(bureau))
          .send({ institutionId: outside.id, reason: 'x' })
      ).status,
    ).toBe(400);
    expect(
      (
        await request(t.http)
          .post(`/api/v1/users/${inspectorsCj[0].id}/recusals`)
          .set(auth(bureau))
          .send({ institutionId: outside.id, reason: '' })
      ).status,
    ).toBe(400);
    await f.db.query('UPDATE institutions SET active = false WHERE id = $1', [outside.id]);
    expect(await f.auditHead()).toEqual(head);
    expect(
      await f.db.query('SELECT 1 FROM draws WHERE round_id = ANY($1)', [[roundId, selfRound, openRound]]).then((r) => r.rowCount),
    ).toBe(0);
    // no draw yet → 404; unpublished public page → 404 (also a malformed id)
    expect((await request(t.http).get(`/api/v1/rounds/${roundId}/draw`).set(auth(bureau))).status).toBe(404);
    expect((await request(t.http).get(`/public/rounds/${roundId}`)).status).toBe(404);
    expect((await request(t.http).get('/public/rounds/not-a-uuid')).status).toBe(404);
    const page = await request(t.http).get(`/public/rounds/${roundId}`).set('Accept', 'text/html');
    expect([page.status, page.headers['content-type'], page.text.includes('未找到公示信息')]).toEqual([
      404,
      'text/html; charset=utf-8',
      true,
    ]);
    expect((await request(t.http).get('/public/rounds/')).headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect((await request(t.http).post(`/api/v1/rounds/${roundId}/publish`).set(auth(bureau))).status).toBe(409);
  });

  it('opening a drawn round creates inspections only for the drawn institutions, filled by any of their inspectors', async () => {
    const roundId = await newRound();
    const d = (await draw(roundId, { count: 4, stratifyBy: ['type'], inspectorsPerInspection: 2, seed: 'open-me' }).expect(201))
      .body as Draw;
    const opened = await request(t.http).post(`/api/v1/rounds/${roundId}/open`).set(auth(bureau)).expect(200);
    expect(opened.body.inspectionsCreated).toBe(4);
    // opening again, with a new institution in scope, creates none
    await f.institution({ regionCode: '522633', name: '从江县后来的养老院' });
    expect((await request(t.http).post(`/api/v1/rounds/${roundId}/open`).set(auth(bureau)).expect(200)).body.inspectionsCreated).toBe(0);
    const list = (await request(t.http).get(`/api/v1/inspections?roundId=${roundId}&pageSize=50`).set(auth(bureau)).expect(200)).body
      .items as {
      id: string;
      institutionId: string;
      assigneeId: string;
      assigneeIds: string[];
    }[];
    expect(list.map((x) => x.institutionId).sort()).toEqual(d.selected.map((s) => s.institutionId).sort());
    for (const x of list) {
      const s = d.selected.find((y) => y.institutionId === x.institutionId) as Draw['selected'][number];
      expect(x.assigneeIds).toEqual(s.inspectorIds);
      expect(x.assigneeId).toBe(s.inspectorIds[0]);
    }
    // the second drawn inspector may fill it, finds it in the assigneeId filter and in the offline pack
    const x = list[0];
    const second = [...inspectorsCj, ...inspectorsLp, inspectorZhou].find((u) => u.id === x.assigneeIds[1]) as FixtureUser;
    const answered = await request(t.http)
      .put(`/api/v1/inspections/${x.id}/answers`)
      .set(auth(second))
      .send({ answers: [{ itemCode: 'A02', result: 'pass' }] });
    expect(answered.status).toBe(200);
    const byFilter = await request(t.http)
      .get(`/api/v1/inspections?roundId=${roundId}&assigneeId=${second.id}`)
      .set(auth(bureau))
      .expect(200);
    expect(byFilter.body.items.map((y: { id: string }) => y.id)).toContain(x.id);
    const pack = await request(t.http).get('/api/v1/me/offline-pack').set(auth(second)).expect(200);
    expect(pack.body.inspections.map((y: { id: string }) => y.id)).toContain(x.id);
    // someone not drawn may not
    const other = [...inspectorsCj, ...inspectorsLp, inspectorZhou].find(
      (u) => !x.assigneeIds.includes(u.id) && x.assigneeIds.length > 0,
    ) as FixtureUser;
    const refused = await request(t.http)
      .put(`/api/v1/inspections/${x.id}/answers`)
      .set(auth(other))
      .send({ answers: [{ itemCode: 'A02', result: 'pass' }] });
    expect([403, 404]).toContain(refused.status);

    // 一公开: publish, then the public JSON without a token
    const published = await request(t.http).post(`/api/v1/rounds/${roundId}/publish`).set(auth(bureau)).expect(200);
    expect(published.body.url).toBe(`/public/rounds/${roundId}`);
    await request(t.http).post(`/api/v1/rounds/${roundId}/publish`).set(auth(bureau)).expect(200);
    const pub = await request(t.http).get(`/public/rounds/${roundId}`).set('Accept', 'application/json').expect(200);
    expect(pub.body).toMatchObject({
      name: '2026年双随机抽查',
      issuerName: '黔东南苗族侗族自治州民政局',
      regionCode: '522600',
      startsOn: '2026-06-01',
      endsOn: '2026-06-30',
      draw: { algorithm: 'paicha-draw-v1', seed: 'open-me', population: d.population },
    });
    expect(pub.body.institutions).toHaveLength(4);
    expect(new Set(pub.body.institutions.map((i: { result: string }) => i.result))).toEqual(new Set(['未检查']));
    const html = await request(t.http).get(`/public/rounds/${roundId}`).set('Accept', 'text/html').expect(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toContain('open-me');
    const events = await f.db.query(
      `SELECT action FROM audit_events WHERE entity = 'round' AND entity_id = $1 AND action = 'round.publish'`,
      [roundId],
    );
    expect(events.rowCount).toBe(1);
  });

  it('the in-service draw equals the verifier recomputation (exported JSON), for strata by type only', async () => {
    const roundId = await newRound();
    await draw(roundId, { ratio: 0.25, stratifyBy: ['type'], minPerStratum: 3, inspectorsPerInspection: 2 }).expect(201);
    const exported = (await request(t.http).get(`/api/v1/rounds/${roundId}/draw/export`).set(auth(bureau)).expect(200)).body;
    expect(verifyExport(exported).ok).toBe(true);
    expect(exported.population.every((m: { regionPath: string; regionCode: string }) => m.regionPath === regionPath[m.regionCode])).toBe(
      true,
    );
  });
  it('property: for random populations, pools, recusals and parameters the service draws what the verifier recomputes', async () => {
    let county = 522640;
    let drawn = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          types: fc.array(fc.constantFrom('elderly_care', 'community_elderly'), { minLength: 1, maxLength: 14 }),
          inspectors: fc.integer({ min: 1, max: 6 }),
          recusals: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }),
          mode: fc.oneof(
            fc.record({ ratio: fc.double({ min: 0.01, max: 1, noNaN: true }) }),
            fc.record({ count: fc.integer({ min: 1, max: 20 }) }),
          ),
          stratifyBy: fc.subarray(['type', 'county']),
          minPerStratum: fc.integer({ min: 0, max: 3 }),
          k: fc.integer({ min: 2, max: 3 }),
          seed: fc.string({ minLength: 1, maxLength: 20 }),
        }),
        async (w) => {
          county += 1;
          const code = String(county);
          await f.regions([[code, `测试县${code}`, '522600']]);
          const path = `/520000/522600/${code}/`;
          const population = [];
          for (const type of w.types)
            population.push({ id: (await f.institution({ regionCode: code, type })).id, type, regionCode: code, regionPath: path });
          const pool = [{ id: inspectorZhou.id, regionCode: '522600' }];
          for (let i = 0; i < w.inspectors; i++)
            pool.push({ id: (await f.user({ role: 'inspector', regionCode: code })).id, regionCode: code });
          const recusals = new Map<string, { inspectorId: string; institutionId: string }>();
          for (const [a, b] of w.recusals) {
            const r = { inspectorId: pool[a % pool.length].id, institutionId: population[b % population.length].id };
            if (recusals.has(`${r.inspectorId}|${r.institutionId}`)) continue;
            recusals.set(`${r.inspectorId}|${r.institutionId}`, r);
            await request(t.http)
              .post(`/api/v1/users/${r.inspectorId}/recusals`)
              .set(auth(bureau))
              .send({ institutionId: r.institutionId, reason: '回避' })
              .expect(201);
          }
          const roundId = await newRound({ regionCode: code });
          const body = { ...w.mode, stratifyBy: w.stratifyBy, minPerStratum: w.minPerStratum, inspectorsPerInspection: w.k, seed: w.seed };
          const res = await draw(roundId, body);
          const parameters = {
            ratio: 'ratio' in w.mode ? w.mode.ratio : null,
            count: 'count' in w.mode ? w.mode.count : null,
            stratifyBy: (['type', 'county'] as const).filter((d) => w.stratifyBy.includes(d)),
            minPerStratum: w.minPerStratum,
            inspectorsPerInspection: w.k,
          };
          const input: DrawInput = {
            algorithm: 'paicha-draw-v1',
            seed: w.seed,
            parameters,
            population,
            pool,
            recusals: [...recusals.values()],
          };
          const expected = runDraw(input);
          if (expected.understaffed.length > 0) {
            expect(res.status).toBe(409);
            expect(res.body.institutions.map((i: { institutionId: string }) => i.institutionId)).toEqual(
              expected.understaffed.map((u) => u.institutionId),
            );
            return;
          }
          expect(res.status).toBe(201);
          expect(res.body.population).toEqual(expected.population);
          expect(res.body.strata).toEqual(expected.strata);
          expect(
            res.body.selected.map((s: { institutionId: string; inspectorIds: string[] }) => [s.institutionId, s.inspectorIds]),
          ).toEqual(expected.selected.map((s) => [s.institutionId, s.inspectorIds]));
          const exported = (await request(t.http).get(`/api/v1/rounds/${roundId}/draw/export`).set(auth(bureau)).expect(200)).body;
          expect(verifyExport(exported).ok).toBe(true);
          drawn++;
        },
      ),
      { numRuns: 15, seed: 17 },
    );
    // not only refusals: most runs really drew
    expect(drawn).toBeGreaterThanOrEqual(6);
  }, 120_000);
});
