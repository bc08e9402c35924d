import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { cjMiniInspection } from './factories/field.js';
import { MINI_TEMPLATE } from './factories/templates.js';
import { Factories, twoRegionWorld, type TwoRegionWorld } from './factories/world.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';
import { bearer } from './helpers/api.js';

interface AnswerOut {
  itemCode: string;
  answeredAt: string;
  savedAt: string;
}

describe('answers: answeredAt from the device, savedAt from the server', () => {
  let t: TestApp;
  let f: Factories;
  let w: TwoRegionWorld;
  let id: string;
  // the round starts on 2026-06-01 in Asia/Shanghai: 2026-05-31T16:00:00Z
  const ROUND_OPENS = Date.parse('2026-05-31T16:00:00Z');
  const auth = bearer;
  const put = (answers: Record<string, unknown>[]) =>
    request(t.http).put(`/api/v1/inspections/${id}/answers`).set(auth(w.inspectorCj)).send({ answers });
  const answer = (itemCode: string, answeredAt?: string) => ({
    itemCode,
    result: 'pass',
    value: itemCode === 'B01' ? 2 : itemCode === 'B02' ? '记录完整' : undefined,
    answeredAt,
  });
  const byCode = (answers: AnswerOut[]) => Object.fromEntries(answers.map((a) => [a.itemCode, a]));

  beforeAll(async () => {
    t = await createTestApp({ env: { TZ: 'Asia/Shanghai' } });
    f = await Factories.for(t);
    w = await twoRegionWorld(f);
    expect((await request(t.http).post('/api/v1/templates').set(auth(w.admin)).send(MINI_TEMPLATE)).status).toBe(201);
    ({ id } = await cjMiniInspection(t, w, '离线填报', { endsOn: '2026-12-31' }));
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  it('keeps the device’s answeredAt and stamps savedAt with the server’s time; without it both are the save’s time', async () => {
    const before = Date.now();
    const res = await put([answer('A01', '2026-06-03T09:15:00+08:00'), answer('A02')]);
    const after = Date.now();
    expect(res.status).toBe(200);
    const out = byCode(res.body.answers);
    expect(out.A01.answeredAt).toBe('2026-06-03T01:15:00.000Z');
    const saved = Date.parse(out.A01.savedAt);
    expect(saved).toBeGreaterThanOrEqual(before - 1000);
    expect(saved).toBeLessThanOrEqual(after + 1000);
    expect(out.A02.savedAt).toBe(out.A01.savedAt);
    expect(out.A02.answeredAt).toBe(out.A02.savedAt);
    // what a later read says is what the save said
    const read = byCode((await request(t.http).get(`/api/v1/inspections/${id}`).set(auth(w.inspectorCj))).body.answers);
    expect(read).toEqual(out);
    const { rows } = await f.db.query<{ item_code: string; answered_at: Date; saved_at: Date }>(
      'SELECT item_code, answered_at, saved_at FROM answers WHERE inspection_id = $1 ORDER BY item_code',
      [id],
    );
    expect(rows.map((r) => [r.item_code, r.answered_at.toISOString(), r.saved_at.toISOString()])).toEqual([
      ['A01', '2026-06-03T01:15:00.000Z', out.A01.savedAt],
      ['A02', out.A02.savedAt, out.A02.savedAt],
    ]);
  });

  it('accepts the bounds: the start of the round’s first day in TZ and 5 minutes ahead of the server', async () => {
    const justInFuture = new Date(Date.now() + 4 * 60 * 1000 + 30 * 1000).toISOString();
    const res = await put([answer('B01', '2026-06-01T00:00:00+08:00'), answer('B02', justInFuture)]);
    expect(res.status).toBe(200);
    const out = byCode(res.body.answers);
    expect(Date.parse(out.B01.answeredAt)).toBe(ROUND_OPENS);
    expect(out.B02.answeredAt).toBe(justInFuture);
    // the others keep theirs: A01 still says 09:15 on 3 June
    expect(out.A01.answeredAt).toBe('2026-06-03T01:15:00.000Z');
    expect(res.body.answers).toHaveLength(4);
  });

  it('refuses an answeredAt before the round or too far ahead with 400 naming the answer, and writes nothing', async () => {
    const version = (await request(t.http).get(`/api/v1/inspections/${id}`).set(auth(w.inspectorCj))).body.version as number;
    const rows = async () =>
      (await f.db.query('SELECT item_code, answered_at, saved_at FROM answers WHERE inspection_id = $1 ORDER BY item_code', [id])).rows;
    const stored = await rows();
    const audit = await f.count('audit_events');
    const cases: [Record<string, unknown>[], string[]][] = [
      [[answer('A01'), answer('A02', '2026-05-31T23:59:59+08:00')], ['answers[1].answeredAt']],
      [[answer('A01', new Date(Date.now() + 6 * 60 * 1000).toISOString())], ['answers[0].answeredAt']],
      [
        [answer('A01', '2026-02-30T10:00:00+08:00'), answer('A02', '2026-06-03T25:15:00Z')],
        ['answers[0].answeredAt', 'answers[1].answeredAt'],
      ],
      [[answer('A01'), answer('A02', '2026-06-03T09:15:00')], ['answers[1].answeredAt']],
      [
        [answer('A01', '3 June 2026'), answer('A02', 1780000000000 as unknown as string)],
        ['answers[0].answeredAt', 'answers[1].answeredAt'],
      ],
    ];
    for (const [batch, fields] of cases) {
      const res = await put(batch);
      expect([res.status, res.headers['content-type'], res.body.errors.map((e: { field: string }) => e.field)]).toEqual([
        400,
        'application/problem+json; charset=utf-8',
        fields,
      ]);
    }
    expect(await rows()).toEqual(stored);
    expect(await f.count('audit_events')).toBe(audit);
    expect((await request(t.http).get(`/api/v1/inspections/${id}`).set(auth(w.inspectorCj))).body.version).toBe(version);
  });

  it('gives savedAt and answeredAt in every answer of the lists, the offline pack and submit', async () => {
    const list = await request(t.http).get(`/api/v1/inspections?institutionId=${w.instCj.id}`).set(auth(w.inspectorCj));
    const fromList = list.body.items[0].answers as AnswerOut[];
    const pack = await request(t.http).get('/api/v1/me/offline-pack').set(auth(w.inspectorCj));
    const fromPack = pack.body.inspections[0].answers as AnswerOut[];
    expect(fromPack).toEqual(fromList);
    expect(fromList).toHaveLength(4);
    for (const a of fromList) {
      expect(a.savedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(Date.parse(a.answeredAt)).toBeGreaterThanOrEqual(ROUND_OPENS);
    }
    const submitted = await request(t.http).post(`/api/v1/inspections/${id}/submit`).set(auth(w.inspectorCj)).send({});
    expect(submitted.status).toBe(200);
    expect(submitted.body.inspection.answers).toEqual(fromList);
  });
});
