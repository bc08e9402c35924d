import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { addDays, todayIn } from '../src/common/dates.js';
import { Factories, twoRegionWorld, type FixtureUser, type TwoRegionWorld } from './factories/world.js';
import { PNG_1PX } from './helpers/files.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';
import { cjMiniInspection } from './factories/field.js';
import { MINI_TEMPLATE } from './factories/templates.js';
import { bearer } from './helpers/api.js';

/** A photo of its own: the inspector's other uploads of the 1px PNG would give back that attachment (200). */
const EXIT_PNG = Buffer.concat([PNG_1PX, Buffer.from('exit-sign')]);

const ALL_PASS = [
  { itemCode: 'A01', result: 'pass' },
  { itemCode: 'A02', result: 'pass' },
  { itemCode: 'B01', result: 'pass', value: 2 },
  { itemCode: 'B02', result: 'pass', value: '记录完整' },
];

describe('rounds, inspections and the way to findings', () => {
  let t: TestApp;
  let f: Factories;
  let w: TwoRegionWorld;
  const auth = bearer;

  const createRound = (by: FixtureUser, body: Record<string, unknown>) => request(t.http).post('/api/v1/rounds').set(auth(by)).send(body);
  const round = (overrides: Record<string, unknown> = {}) => ({
    name: '2026年6月安全管理月督查',
    kind: 'supervisory',
    regionCode: '522600',
    startsOn: '2026-06-01',
    endsOn: '2026-06-30',
    institutionTypes: ['elderly_care', 'community_elderly'],
    templates: { elderly_care: 'mini-check', community_elderly: 'mini-check' },
    ...overrides,
  });

  beforeAll(async () => {
    t = await createTestApp();
    f = await Factories.for(t);
    w = await twoRegionWorld(f);
    await f.regions([['522633101', '丙妹镇', '522633']]);
    const res = await request(t.http).post('/api/v1/templates').set(auth(w.admin)).send(MINI_TEMPLATE);
    expect(res.status).toBe(201);
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  describe('rounds', () => {
    it('validates a new round', async () => {
      const cases: [Record<string, unknown>, number, string][] = [
        [{ endsOn: '2026-05-01' }, 400, 'endsOn'],
        [{ startsOn: '2026-02-30' }, 400, 'startsOn'],
        [{ templates: { elderly_care: 'mini-check' } }, 400, 'templates.community_elderly'],
        [{ templates: { elderly_care: 'mini-check', community_elderly: 'elderly-care-safety' } }, 400, 'templates.community_elderly'],
        [{ templates: { elderly_care: 'mini-check', community_elderly: 'mini-check', funeral: 'mini-check' } }, 400, 'templates.funeral'],
        [{ templates: { elderly_care: 'nope', community_elderly: 'mini-check' } }, 400, 'templates.elderly_care'],
        [{ kind: 'surprise' }, 400, 'kind'],
        [{ institutionTypes: [] }, 400, 'institutionTypes'],
      ];
      for (const [override, status, field] of cases) {
        const res = await createRound(w.bureauQdn, round(override));
        expect([res.status, res.body.errors?.map((e: { field: string }) => e.field)]).toEqual([status, expect.arrayContaining([field])]);
      }
      expect((await createRound(w.bureauQdn, round({ regionCode: '513300' }))).status).toBe(403);
      expect((await createRound(w.bureauCj, round({ regionCode: '522600' }))).status).toBe(403);
      expect((await createRound(w.inspectorCj, round())).status).toBe(403);
      expect((await createRound(w.bureauQdn, round({ regionCode: '999999' }))).status).toBe(400);
    });

    it('fans out one inspection per active institution of the listed types in the subtree, once', async () => {
      // 黔东南: from the world 从江 elderly_care + 黎平 community_elderly; add a township home, another type and an inactive one
      const township = await f.institution({ regionCode: '522633101', type: 'elderly_care', name: '丙妹镇敬老院' });
      await f.institution({ regionCode: '522633', type: 'funeral', name: '从江县殡仪馆' });
      const inactive = await f.institution({ regionCode: '522631', type: 'elderly_care', name: '已停业养老院' });
      await f.db.query('UPDATE institutions SET active = false WHERE id = $1', [inactive.id]);

      const created = await createRound(w.bureauQdn, round());
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ status: 'draft', regionCode: '522600', kind: 'supervisory' });
      const id = created.body.id as string;

      const [a, b] = await Promise.all([
        request(t.http).post(`/api/v1/rounds/${id}/open`).set(auth(w.bureauQdn)),
        request(t.http).post(`/api/v1/rounds/${id}/open`).set(auth(w.admin)),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(a.body.inspectionsCreated + b.body.inspectionsCreated).toBe(3);
      const again = await request(t.http).post(`/api/v1/rounds/${id}/open`).set(auth(w.bureauQdn));
      expect(again.body).toEqual({ inspectionsCreated: 0 });

      const list = await request(t.http).get(`/api/v1/inspections?roundId=${id}`).set(auth(w.bureauQdn));
      expect(list.body.total).toBe(3);
      expect(new Set(list.body.items.map((x: { institutionId: string }) => x.institutionId))).toEqual(
        new Set([w.instCj.id, w.instLp.id, township.id]),
      );
      for (const x of list.body.items)
        expect(x).toMatchObject({ status: 'pending', kind: 'supervisory', templateVersion: 1, answers: [], version: 1 });

      // an institution added later is picked up by opening again
      await f.institution({ regionCode: '522631', type: 'community_elderly', name: '黎平县新建幸福院' });
      expect((await request(t.http).post(`/api/v1/rounds/${id}/open`).set(auth(w.bureauQdn))).body).toEqual({ inspectionsCreated: 1 });

      const progress = await request(t.http).get(`/api/v1/rounds/${id}/progress`).set(auth(w.bureauQdn));
      expect(progress.body).toEqual({
        total: 4,
        pending: 4,
        inProgress: 0,
        submitted: 0,
        missed: 0,
        findings: { total: 0, major: 0, closed: 0 },
      });
      const county = await request(t.http).get(`/api/v1/rounds/${id}/progress`).set(auth(w.bureauCj));
      expect(county.body.total).toBe(2); // 从江: the county home and the township home
      expect((await request(t.http).get(`/api/v1/rounds/${id}`).set(auth(w.bureauGz))).status).toBe(404);
      expect((await request(t.http).post(`/api/v1/rounds/${id}/open`).set(auth(w.bureauCj))).status).toBe(403);
    });
  });

  /** A supervisory round of its own on the mini checklist, opened; 从江县社会福利院's inspection in it, for the 从江 inspector. */
  async function freshCjInspection(name: string) {
    const { id } = await cjMiniInspection(t, w, name);
    const put = (answers: unknown[]) => request(t.http).put(`/api/v1/inspections/${id}/answers`).set(auth(w.inspectorCj)).send({ answers });
    return { id, put };
  }

  describe('concurrent batches', () => {
    it('answers each of several concurrent batches with every batch committed before it', async () => {
      // four batches at once, one item each, queue on the row lock; the answer to
      // the batch at version v must show every batch at a version ≤ v
      const { put } = await freshCjInspection('并发保存');
      for (let run = 0; run < 5; run++) {
        const batches = ALL_PASS.map((a, k) => ({ ...a, note: `并发 ${run}-${k}` }));
        const responses = await Promise.all(batches.map((a) => put([a])));
        expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
        const versions = responses.map((r) => r.body.version as number);
        expect(new Set(versions).size).toBe(4);
        expect(Math.max(...versions) - Math.min(...versions)).toBe(3);
        responses.forEach((res, k) => {
          expect(res.headers.etag).toBe(`"${versions[k]}"`);
          const notes = new Map((res.body.answers as { itemCode: string; note?: string }[]).map((x) => [x.itemCode, x.note]));
          batches.forEach((b, j) => {
            if (versions[j] <= versions[k])
              expect([versions[k], b.itemCode, notes.get(b.itemCode)]).toEqual([versions[k], b.itemCode, b.note]);
          });
        });
      }
    });
  });

  describe('the answer to a batch', () => {
    it('is the inspection exactly as a read after it shows it', async () => {
      const { id, put } = await freshCjInspection('回读核对');
      const photo = await request(t.http).post('/api/v1/attachments').set(auth(w.inspectorCj)).attach('file', PNG_1PX, 'exit.png');
      const read = async () => (await request(t.http).get(`/api/v1/inspections/${id}`).set(auth(w.inspectorCj))).body;

      // a first batch, then a second that changes one of its items and adds others: the answer
      // merges what was just written with what was there, in item order, as the read does
      const first = await put([{ itemCode: 'B02', result: 'pass', value: '记录完整 ✓', note: '  夜班 ' }]);
      expect(first.status).toBe(200);
      const second = await put([
        { itemCode: 'B01', result: 'fail', value: 2.5, note: '应为 3 人' },
        { itemCode: 'A01', result: 'fail', attachmentIds: [String(photo.body.id).toUpperCase(), photo.body.id], note: '' },
        { itemCode: 'A02', result: 'na', value: null },
      ]);
      expect(second.status).toBe(200);
      const after = await read();
      const { template: _template, ...inspection } = after;
      expect(second.body).toEqual(inspection);
      expect(second.body.answers.map((a: { itemCode: string }) => a.itemCode)).toEqual(['A01', 'A02', 'B01', 'B02']);
      expect(second.body.answers[0]).toEqual({
        itemCode: 'A01',
        result: 'fail',
        note: '',
        attachmentIds: [photo.body.id],
        answeredBy: w.inspectorCj.id,
        answeredAt: expect.any(String),
        savedAt: second.body.answers[0].answeredAt,
      });
      expect(second.body.answers[3]).toMatchObject({ value: '记录完整 ✓', note: '  夜班 ' });
      expect(new Date(second.body.answers[0].answeredAt).getTime()).toBeGreaterThanOrEqual(
        new Date(second.body.answers[3].answeredAt).getTime(),
      );
    });
  });

  describe('filling and submitting', () => {
    let roundId: string;
    let inspectionId: string;
    let photoId: string;

    beforeAll(async () => {
      const created = await createRound(
        w.bureauCj,
        round({ regionCode: '522633', institutionTypes: ['elderly_care'], templates: { elderly_care: 'mini-check' } }),
      );
      roundId = created.body.id;
      await request(t.http).post(`/api/v1/rounds/${roundId}/open`).set(auth(w.bureauCj));
      const list = await request(t.http)
        .get(`/api/v1/inspections?roundId=${roundId}&institutionId=${w.instCj.id}`)
        .set(auth(w.inspectorCj));
      inspectionId = list.body.items[0].id;
      const upload = await request(t.http).post('/api/v1/attachments').set(auth(w.inspectorCj)).attach('file', EXIT_PNG, 'exit.png');
      expect(upload.status).toBe(201);
      photoId = upload.body.id;
    });

    const put = (by: FixtureUser, answers: unknown[], ifMatch?: string) => {
      let req = request(t.http).put(`/api/v1/inspections/${inspectionId}/answers`).set(auth(by));
      if (ifMatch !== undefined) req = req.set('If-Match', ifMatch);
      return req.send({ answers });
    };

    it('reads the inspection with its pinned template and an ETag', async () => {
      const res = await request(t.http).get(`/api/v1/inspections/${inspectionId}`).set(auth(w.inspectorCj));
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body).toMatchObject({
        id: inspectionId,
        institutionId: w.instCj.id,
        institutionName: '从江县社会福利院',
        status: 'pending',
        version: 1,
      });
      expect(res.body.template).toMatchObject({ code: 'mini-check', version: 1 });
    });

    it('lets only the right people fill it', async () => {
      expect((await put(w.headCj, ALL_PASS)).status).toBe(403); // a supervisory check is the inspector's
      expect((await put(w.bureauCj, ALL_PASS)).status).toBe(403);
      expect((await put(w.admin, ALL_PASS)).status).toBe(403);
      expect((await put(w.inspectorXc, ALL_PASS)).status).toBe(404);
      expect((await put(w.headXc, ALL_PASS)).status).toBe(404);
    });

    it('validates answers against the pinned template', async () => {
      const before = await f.count('answers');
      const cases: [unknown[], string][] = [
        [[{ itemCode: 'Z99', result: 'pass' }], 'answers[0].itemCode'],
        [[{ itemCode: 'A01', result: 'maybe' }], 'answers[0].result'],
        [[{ itemCode: 'B01', result: 'pass', value: 'two' }], 'answers[0].value'],
        [[{ itemCode: 'B01', result: 'fail' }], 'answers[0].value'],
        [[{ itemCode: 'B02', result: 'pass', value: 3 }], 'answers[0].value'],
        [[{ itemCode: 'A01', result: 'pass', value: { x: 1 } }], 'answers[0].value'],
        [
          [
            { itemCode: 'A01', result: 'pass' },
            { itemCode: 'A01', result: 'fail' },
          ],
          'answers[1].itemCode',
        ],
        [[{ itemCode: 'A01', result: 'fail', attachmentIds: ['00000000-0000-4000-8000-000000000000'] }], 'answers[0].attachmentIds'],
        [[{ itemCode: 'A01', result: 'fail', attachmentIds: ['nope'] }], 'answers[0].attachmentIds'],
        [[{ itemCode: 'B02', result: 'pass', value: '记录\ud800' }], 'answers[0].value'], // jsonb cannot hold it: 400, not 500
        [
          [
            { itemCode: 'A02', result: 'pass' },
            { itemCode: 'A01', result: 'pass', note: '\udc00' },
          ],
          'answers[1].note',
        ],
      ];
      for (const [answers, field] of cases) {
        const res = await put(w.inspectorCj, answers);
        expect([res.status, res.body.errors?.map((e: { field: string }) => e.field)]).toEqual([400, expect.arrayContaining([field])]);
      }
      expect((await put(w.inspectorCj, [])).status).toBe(400);
      expect(await f.count('answers')).toBe(before);
      expect((await request(t.http).get(`/api/v1/inspections/${inspectionId}`).set(auth(w.inspectorCj))).body.version).toBe(1);
    });

    it('saves a batch, moves pending → in_progress, and a resent batch is harmless', async () => {
      const first = await put(
        w.inspectorCj,
        [
          { itemCode: 'A02', result: 'fail', note: '标志灯不亮' },
          { itemCode: 'B01', result: 'na' },
        ],
        '"1"',
      );
      expect(first.status).toBe(200);
      expect(first.headers.etag).toBe('"2"');
      expect(first.body).toMatchObject({ status: 'in_progress', version: 2 });
      expect(first.body.answers).toEqual([
        {
          itemCode: 'A02',
          result: 'fail',
          note: '标志灯不亮',
          answeredBy: w.inspectorCj.id,
          answeredAt: expect.any(String),
          savedAt: expect.any(String),
        },
        { itemCode: 'B01', result: 'na', answeredBy: w.inspectorCj.id, answeredAt: expect.any(String), savedAt: expect.any(String) },
      ]);
      // without a device time, an answer was given when it was saved
      for (const a of first.body.answers) expect(a.answeredAt).toBe(a.savedAt);
      const again = await put(w.inspectorCj, [
        { itemCode: 'A02', result: 'fail', note: '标志灯不亮' },
        { itemCode: 'B01', result: 'na' },
      ]);
      expect(again.status).toBe(200);
      expect(again.body.answers).toHaveLength(2);
      expect(again.body.version).toBe(3);
    });

    it('refuses a batch made over a stale version (If-Match) with 409', async () => {
      const current = (await request(t.http).get(`/api/v1/inspections/${inspectionId}`).set(auth(w.inspectorCj))).body.version as number;
      const [a, b] = await Promise.all([
        put(w.inspectorCj, [{ itemCode: 'B02', result: 'pass', value: '甲' }], `"${current}"`),
        put(w.inspectorCj, [{ itemCode: 'B02', result: 'pass', value: '乙' }], `"${current}"`),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const loser = a.status === 409 ? a : b;
      expect(loser.body).toMatchObject({ type: 'urn:paicha:problem:inspection_stale_version', currentVersion: current + 1 });
      const winner = a.status === 200 ? a : b;
      const saved = (await request(t.http).get(`/api/v1/inspections/${inspectionId}`).set(auth(w.inspectorCj))).body;
      expect(saved.answers.find((x: { itemCode: string }) => x.itemCode === 'B02').value).toBe(winner === a ? '甲' : '乙');
      expect((await put(w.inspectorCj, ALL_PASS.slice(0, 1), 'W/"1"')).status).toBe(409);
      expect((await put(w.inspectorCj, ALL_PASS.slice(0, 1), 'banana')).status).toBe(400);
    });

    it('refuses to submit with unanswered items, listing them', async () => {
      const res = await request(t.http).post(`/api/v1/inspections/${inspectionId}/submit`).set(auth(w.inspectorCj)).send({});
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ type: 'urn:paicha:problem:inspection_incomplete', missing: ['A01'] });
    });

    it('refuses to submit a failed major item without a photo', async () => {
      await put(w.inspectorCj, [{ itemCode: 'A01', result: 'fail', note: '二楼走廊堆放杂物' }]);
      const res = await request(t.http).post(`/api/v1/inspections/${inspectionId}/submit`).set(auth(w.inspectorCj)).send({});
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ type: 'urn:paicha:problem:inspection_photo_required', missingPhotos: ['A01'] });
    });

    it('submits once: one finding per failed item with its severity, deadline and supervision', async () => {
      await put(w.inspectorCj, [{ itemCode: 'A01', result: 'fail', note: '二楼走廊堆放杂物', attachmentIds: [photoId] }]);
      const findingsBefore = await f.count('findings');
      const [a, b] = await Promise.all([
        request(t.http).post(`/api/v1/inspections/${inspectionId}/submit`).set(auth(w.inspectorCj)).send({ signature: '王检查' }),
        request(t.http).post(`/api/v1/inspections/${inspectionId}/submit`).set(auth(w.inspectorCj)).send({ signature: '王检查' }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const ok = a.status === 200 ? a : b;
      expect(ok.body.findingsCreated).toBe(2);
      expect(ok.body.inspection).toMatchObject({ status: 'submitted', submittedAt: expect.any(String) });
      expect(await f.count('findings')).toBe(findingsBefore + 2);

      const today = todayIn('Asia/Shanghai');
      const findings = (await request(t.http).get(`/api/v1/findings?roundId=${roundId}`).set(auth(w.headCj))).body.items as Record<
        string,
        unknown
      >[];
      const byItem = Object.fromEntries(findings.map((x) => [x.itemCode as string, x]));
      expect(byItem.A01).toMatchObject({
        title: '疏散通道是否畅通',
        description: '二楼走廊堆放杂物',
        severity: 'major',
        supervised: true,
        status: 'open',
        deadline: addDays(today, 1),
        foundOn: today,
        overdue: false,
        institutionId: w.instCj.id,
        regionCode: '522633',
        sectionTitle: '疏散通道与安全出口',
        attachmentIds: [photoId],
        closedAt: null,
        rectification: null,
      });
      expect(byItem.A01.history).toEqual([
        { at: expect.any(String), actorId: w.inspectorCj.id, action: 'created', data: expect.objectContaining({ itemCode: 'A01' }) },
      ]);
      expect(byItem.A02).toMatchObject({ severity: 'general', supervised: false, deadline: addDays(today, 15), description: '标志灯不亮' });

      const { rows } = await f.db.query(`SELECT recipient_id, kind, message FROM notifications ORDER BY message`);
      expect(rows).toHaveLength(2);
      for (const n of rows) expect(n).toMatchObject({ recipient_id: w.headCj.id, kind: 'finding_created' });
      expect(rows.map((n) => n.message)).toContain(
        `检查发现重大事故隐患（挂牌督办）：“疏散通道是否畅通”，请于 ${addDays(today, 1)} 前完成整改并上传整改材料。`,
      );

      const again = await request(t.http).post(`/api/v1/inspections/${inspectionId}/submit`).set(auth(w.inspectorCj)).send({});
      expect(again.status).toBe(409);
      expect(await f.count('findings')).toBe(findingsBefore + 2);
      expect((await put(w.inspectorCj, ALL_PASS)).status).toBe(409);
      const audit = await f.db.query(`SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY id`, [inspectionId]);
      expect(audit.rows.map((r) => r.action)).toEqual(expect.arrayContaining(['inspection.answer', 'inspection.submit']));
      expect(audit.rows.filter((r) => r.action === 'inspection.submit')).toHaveLength(1);
    });

    it('shows findings only in scope', async () => {
      expect((await request(t.http).get(`/api/v1/findings?roundId=${roundId}`).set(auth(w.headXc))).body.total).toBe(0);
      const one = (await request(t.http).get(`/api/v1/findings?roundId=${roundId}`).set(auth(w.bureauQdn))).body.items[0];
      expect((await request(t.http).get(`/api/v1/findings/${one.id}`).set(auth(w.inspectorCj))).status).toBe(200);
      expect((await request(t.http).get(`/api/v1/findings/${one.id}`).set(auth(w.inspectorXc))).status).toBe(404);
      expect((await request(t.http).get(`/api/v1/findings/${one.id}`).set(auth(w.headXc))).status).toBe(404);
      expect((await request(t.http).get('/api/v1/findings?severity=major&overdue=false').set(auth(w.bureauGz))).body.total).toBe(0);
    });

    it('lets the finding’s photo be seen in scope only', async () => {
      const own = await request(t.http).get(`/api/v1/attachments/${photoId}`).set(auth(w.headCj));
      expect(own.status).toBe(200);
      expect(own.headers['content-type']).toBe('image/png');
      expect(own.headers['x-content-type-options']).toBe('nosniff');
      expect(Buffer.compare(own.body as Buffer, EXIT_PNG)).toBe(0);
      expect((await request(t.http).get(`/api/v1/attachments/${photoId}`).set(auth(w.headXc))).status).toBe(404);
    });

    it('closes the round: unsubmitted inspections become missed', async () => {
      const extra = await f.institution({ regionCode: '522633', type: 'elderly_care', name: '未检查养老院' });
      await request(t.http).post(`/api/v1/rounds/${roundId}/open`).set(auth(w.bureauCj));
      const closed = await request(t.http).post(`/api/v1/rounds/${roundId}/close`).set(auth(w.bureauCj));
      expect(closed.status).toBe(200);
      expect(closed.body.status).toBe('closed');
      const progress = (await request(t.http).get(`/api/v1/rounds/${roundId}/progress`).set(auth(w.bureauCj))).body;
      expect(progress).toEqual({
        total: 3,
        pending: 0,
        inProgress: 0,
        submitted: 1,
        missed: 2,
        findings: { total: 2, major: 1, closed: 0 },
      });
      const missed = await request(t.http).get(`/api/v1/inspections?roundId=${roundId}&institutionId=${extra.id}`).set(auth(w.bureauCj));
      expect(missed.body.items[0].status).toBe('missed');
      expect((await request(t.http).post(`/api/v1/rounds/${roundId}/close`).set(auth(w.bureauCj))).body).toMatchObject({
        status: 409,
        currentStatus: 'closed',
      });
      expect((await request(t.http).post(`/api/v1/rounds/${roundId}/open`).set(auth(w.bureauCj))).status).toBe(409);
    });
  });

  describe('self-checks and assignment', () => {
    it('lets the head fill its own self-check and nobody else', async () => {
      const created = await createRound(
        w.bureauCj,
        round({ kind: 'self', regionCode: '522633', institutionTypes: ['elderly_care'], templates: { elderly_care: 'mini-check' } }),
      );
      await request(t.http).post(`/api/v1/rounds/${created.body.id}/open`).set(auth(w.bureauCj));
      const mine = await request(t.http).get(`/api/v1/inspections?roundId=${created.body.id}`).set(auth(w.headCj));
      expect(mine.body.total).toBe(1);
      const id = mine.body.items[0].id;
      expect(mine.body.items[0].kind).toBe('self');
      const byInspector = await request(t.http)
        .put(`/api/v1/inspections/${id}/answers`)
        .set(auth(w.inspectorCj))
        .send({ answers: ALL_PASS });
      expect(byInspector.status).toBe(403);
      const byHead = await request(t.http).put(`/api/v1/inspections/${id}/answers`).set(auth(w.headCj)).send({ answers: ALL_PASS });
      expect(byHead.status).toBe(200);
      const submitted = await request(t.http).post(`/api/v1/inspections/${id}/submit`).set(auth(w.headCj)).send({});
      expect(submitted.body).toMatchObject({ findingsCreated: 0, inspection: { status: 'submitted' } });
      const assign = await request(t.http)
        .post(`/api/v1/inspections/${id}/assign`)
        .set(auth(w.bureauCj))
        .send({ inspectorId: w.inspectorCj.id });
      expect(assign.status).toBe(409);
    });

    it('narrows a supervisory inspection to its assignee', async () => {
      const created = await createRound(
        w.bureauQdn,
        round({ institutionTypes: ['community_elderly'], templates: { community_elderly: 'mini-check' } }),
      );
      await request(t.http).post(`/api/v1/rounds/${created.body.id}/open`).set(auth(w.bureauQdn));
      const list = await request(t.http)
        .get(`/api/v1/inspections?roundId=${created.body.id}&institutionId=${w.instLp.id}`)
        .set(auth(w.bureauQdn));
      const id = list.body.items[0].id;
      const lpInspector = await f.user({ role: 'inspector', regionCode: '522631' });
      const cityInspector = await f.user({ role: 'inspector', regionCode: '522600' });
      // the 从江 inspector's region does not contain 黎平
      expect(
        (await request(t.http).post(`/api/v1/inspections/${id}/assign`).set(auth(w.bureauQdn)).send({ inspectorId: w.inspectorCj.id }))
          .status,
      ).toBe(400);
      expect(
        (await request(t.http).post(`/api/v1/inspections/${id}/assign`).set(auth(w.bureauQdn)).send({ inspectorId: w.headCj.id })).status,
      ).toBe(400);
      expect(
        (await request(t.http).post(`/api/v1/inspections/${id}/assign`).set(auth(lpInspector)).send({ inspectorId: lpInspector.id }))
          .status,
      ).toBe(403);
      const ok = await request(t.http)
        .post(`/api/v1/inspections/${id}/assign`)
        .set(auth(w.bureauQdn))
        .send({ inspectorId: lpInspector.id });
      expect(ok.status).toBe(200);
      expect(ok.body.assigneeId).toBe(lpInspector.id);
      const byCity = await request(t.http).put(`/api/v1/inspections/${id}/answers`).set(auth(cityInspector)).send({ answers: ALL_PASS });
      expect(byCity.status).toBe(403);
      const byAssignee = await request(t.http).put(`/api/v1/inspections/${id}/answers`).set(auth(lpInspector)).send({ answers: ALL_PASS });
      expect(byAssignee.status).toBe(200);
      expect((await request(t.http).get(`/api/v1/inspections?assigneeId=${lpInspector.id}`).set(auth(lpInspector))).body.total).toBe(1);
    });
  });

  describe('the built-in checklist end to end', () => {
    it('fills all items of the elderly-care checklist in one batch and submits', async () => {
      const created = await createRound(
        w.bureauCj,
        round({ regionCode: '522633', institutionTypes: ['elderly_care'], templates: { elderly_care: 'elderly-care-safety' } }),
      );
      await request(t.http).post(`/api/v1/rounds/${created.body.id}/open`).set(auth(w.bureauCj));
      const list = await request(t.http)
        .get(`/api/v1/inspections?roundId=${created.body.id}&institutionId=${w.instCj.id}`)
        .set(auth(w.inspectorCj));
      const id = list.body.items[0].id;
      const detail = (await request(t.http).get(`/api/v1/inspections/${id}`).set(auth(w.inspectorCj))).body;
      const items = detail.template.sections.flatMap((s: { items: { code: string; severity: string; responseType: string }[] }) => s.items);
      const majors = items.filter((i: { severity: string }) => i.severity === 'major').slice(0, 3);
      const photo = (await request(t.http).post('/api/v1/attachments').set(auth(w.inspectorCj)).attach('file', PNG_1PX, 'p.png')).body.id;
      const answers = items.map((i: { code: string; responseType: string }) => {
        const failing = majors.some((m: { code: string }) => m.code === i.code);
        return {
          itemCode: i.code,
          result: failing ? 'fail' : 'pass',
          ...(i.responseType === 'number' ? { value: 2 } : i.responseType === 'text' ? { value: '正常' } : {}),
          ...(failing ? { attachmentIds: [photo], note: '现场发现' } : {}),
        };
      });
      const saved = await request(t.http).put(`/api/v1/inspections/${id}/answers`).set(auth(w.inspectorCj)).send({ answers });
      expect(saved.status).toBe(200);
      expect(saved.body.answers).toHaveLength(items.length);
      const submitted = await request(t.http).post(`/api/v1/inspections/${id}/submit`).set(auth(w.inspectorCj)).send({});
      expect(submitted.status).toBe(200);
      expect(submitted.body.findingsCreated).toBe(3);
      const findings = (await request(t.http).get(`/api/v1/findings?roundId=${created.body.id}&severity=major`).set(auth(w.bureauCj))).body;
      expect(findings.total).toBe(3);
      for (const x of findings.items) expect(x).toMatchObject({ supervised: true, severity: 'major' });
    });
  });
});
