import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { addWorkdays } from '../src/calendar/workdays.js';
import { todayIn } from '../src/common/dates.js';
import { cjMiniInspection } from './factories/field.js';
import { MINI_TEMPLATE } from './factories/templates.js';
import { Factories, findingIn, twoRegionWorld, type TwoRegionWorld } from './factories/world.js';
import { PNG_1PX } from './helpers/files.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

/** Working days over HTTP: the calendar endpoint, deadlineWorkdays on template items, extension by workdays. */
describe('working days', () => {
  let t: TestApp;
  let f: Factories;
  let w: TwoRegionWorld;
  const auth = (u: { token: string }) => ({ Authorization: `Bearer ${u.token}` });

  beforeAll(async () => {
    t = await createTestApp();
    f = await Factories.for(t);
    w = await twoRegionWorld(f);
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  it('answers GET /calendar/workdays with the official calendar, and says when it falls back', async () => {
    const get = (query: string) => request(t.http).get(`/api/v1/calendar/workdays?${query}`).set(auth(w.headCj));
    expect((await get('from=2026-09-30&days=3').expect(200)).body).toEqual({
      from: '2026-09-30',
      days: 3,
      date: '2026-10-10',
      calendar: 'official',
    });
    expect((await get('from=2026-02-13&days=2').expect(200)).body).toEqual({
      from: '2026-02-13',
      days: 2,
      date: '2026-02-24',
      calendar: 'official',
    });
    expect((await get('from=2027-10-01&days=1').expect(200)).body).toEqual({
      from: '2027-10-01',
      days: 1,
      date: '2027-10-04',
      calendar: 'weekdays_only',
    });
    for (const [query, field] of [
      ['from=2026-09-30&days=0', 'days'],
      ['from=2026-09-30&days=-3', 'days'],
      ['from=2026-09-30&days=1.5', 'days'],
      ['from=2026-02-30&days=1', 'from'],
      ['days=1', 'from'],
      ['from=2026-09-30', 'days'],
      ['from=2026-09-30&days=1&x=1', 'x'],
    ]) {
      const res = await get(query);
      expect([res.status, res.body.errors?.map((e: { field: string }) => e.field)]).toEqual([400, expect.arrayContaining([field])]);
    }
    expect((await request(t.http).get('/api/v1/calendar/workdays?from=2026-09-30&days=3')).status).toBe(401);
  });

  it('rejects deadlineDays with deadlineWorkdays naming both; a deadlineWorkdays item gives a working-day deadline', async () => {
    const template = structuredClone(MINI_TEMPLATE) as typeof MINI_TEMPLATE & { sections: { items: Record<string, unknown>[] }[] };
    template.sections[0].items[0] = { ...template.sections[0].items[0], deadlineWorkdays: 3 };
    const both = await request(t.http).post('/api/v1/templates').set(auth(w.admin)).send(template);
    expect(both.status).toBe(400);
    expect(both.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['sections[0].items[0].deadlineDays', 'sections[0].items[0].deadlineWorkdays']),
    );
    for (const bad of [0, -1, 2.5, '3']) {
      const one = structuredClone(template);
      one.sections[0].items[0] = { ...one.sections[0].items[0], deadlineDays: undefined, deadlineWorkdays: bad };
      expect((await request(t.http).post('/api/v1/templates').set(auth(w.admin)).send(one)).status).toBe(400);
    }
    delete template.sections[0].items[0].deadlineDays;
    const created = await request(t.http).post('/api/v1/templates').set(auth(w.admin)).send(template).expect(201);
    expect(created.body.sections[0].items[0]).toMatchObject({ code: 'A01', deadlineWorkdays: 3 });
    expect(created.body.sections[0].items[0].deadlineDays).toBeUndefined();

    const { id } = await cjMiniInspection(t, w, '工作日期限');
    const photo = await request(t.http)
      .post('/api/v1/attachments')
      .set(auth(w.inspectorCj))
      .attach('file', Buffer.concat([PNG_1PX, Buffer.from('workdays')]), 'p.png');
    const answers = [
      { itemCode: 'A01', result: 'fail', attachmentIds: [photo.body.id] },
      { itemCode: 'A02', result: 'pass' },
      { itemCode: 'B01', result: 'pass', value: 1 },
      { itemCode: 'B02', result: 'pass', value: '有' },
    ];
    await request(t.http).put(`/api/v1/inspections/${id}/answers`).set(auth(w.inspectorCj)).send({ answers }).expect(200);
    await request(t.http).post(`/api/v1/inspections/${id}/submit`).set(auth(w.inspectorCj)).send({}).expect(200);
    const findings = await request(t.http).get(`/api/v1/findings?inspectionId=${id}`).set(auth(w.bureauCj)).expect(200);
    const today = todayIn('Asia/Shanghai');
    expect(findings.body.items.map((x: { itemCode: string; deadline: string }) => [x.itemCode, x.deadline])).toEqual([
      ['A01', addWorkdays(today, 3).date],
    ]);
  });

  it('extends a deadline by working days, refusing workdays ≤ 0 and both or neither of deadline and workdays', async () => {
    const id = await findingIn(f, { institutionId: w.instCj.id, regionCode: '522633', foundOn: '2026-09-01', deadline: '2026-09-30' });
    const extend = (body: object) => request(t.http).post(`/api/v1/findings/${id}/extend`).set(auth(w.bureauCj)).send(body);
    const before = await f.auditHead();
    const cases: [object, string[]][] = [
      [{ workdays: 0, reason: '节日' }, ['workdays']],
      [{ workdays: -2, reason: '节日' }, ['workdays']],
      [{ workdays: 1.5, reason: '节日' }, ['workdays']],
      [{ workdays: 2, deadline: '2026-10-20', reason: '节日' }, ['deadline', 'workdays']],
      [{ reason: '节日' }, ['deadline', 'workdays']],
      [{ workdays: 2 }, ['reason']],
    ];
    for (const [body, fields] of cases) {
      const res = await extend(body);
      expect([res.status, res.body.errors?.map((e: { field: string }) => e.field)]).toEqual([400, expect.arrayContaining(fields)]);
    }
    expect(
      (await request(t.http).post(`/api/v1/findings/${id}/extend`).set(auth(w.inspectorCj)).send({ workdays: 2, reason: 'x' })).status,
    ).toBe(403);
    expect(await f.auditHead()).toEqual(before);
    // 2026-09-30 + 3 working days: 10-01…07 off, then 8, 9 and the 调休 Saturday 10
    const res = await extend({ workdays: 3, reason: '国庆假期顺延' }).expect(200);
    expect(res.body.deadline).toBe('2026-10-10');
    expect(res.body.history.at(-1)).toMatchObject({
      action: 'extended',
      data: { from: '2026-09-30', to: '2026-10-10', workdays: 3, reason: '国庆假期顺延' },
    });
  });
});
