import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import request from 'supertest';
import { Factories, twoRegionWorld, type TwoRegionWorld } from './factories/world.js';
import { MINI_TEMPLATE } from './factories/templates.js';
import { PNG_1PX } from './helpers/files.js';
import { binary, pdfText } from './helpers/pdf.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';
import { bearer } from './helpers/api.js';

describe('GET /inspections/:id/report.pdf', () => {
  let t: TestApp;
  let f: Factories;
  let w: TwoRegionWorld;
  let inspectionId: string;
  const as = bearer;

  beforeAll(async () => {
    t = await createTestApp();
    f = await Factories.for(t);
    w = await twoRegionWorld(f);
    await request(t.http).post('/api/v1/templates').set(as(w.admin)).send(MINI_TEMPLATE);
    const round = await request(t.http)
      .post('/api/v1/rounds')
      .set(as(w.bureauCj))
      .send({
        name: '2026年6月督查',
        kind: 'supervisory',
        regionCode: '522633',
        startsOn: '2026-06-01',
        endsOn: '2026-06-30',
        institutionTypes: ['elderly_care'],
        templates: { elderly_care: 'mini-check' },
      });
    await request(t.http).post(`/api/v1/rounds/${round.body.id}/open`).set(as(w.bureauCj));
    inspectionId = (await request(t.http).get(`/api/v1/inspections?roundId=${round.body.id}`).set(as(w.inspectorCj))).body.items[0].id;
    const jpeg = (
      await request(t.http)
        .post('/api/v1/attachments')
        .set(as(w.inspectorCj))
        .attach('file', await readFile('test/fixtures/photo.jpg'), 'a.jpg')
    ).body.id;
    const png = (await request(t.http).post('/api/v1/attachments').set(as(w.inspectorCj)).attach('file', PNG_1PX, 'b.png')).body.id;
    await request(t.http)
      .put(`/api/v1/inspections/${inspectionId}/answers`)
      .set(as(w.inspectorCj))
      .send({
        answers: [
          { itemCode: 'A01', result: 'fail', note: '二楼东侧通道堆放轮椅', attachmentIds: [jpeg, png] },
          { itemCode: 'A02', result: 'pass' },
          { itemCode: 'B01', result: 'pass', value: 3 },
          { itemCode: 'B02', result: 'na' },
        ],
      });
    const submitted = await request(t.http)
      .post(`/api/v1/inspections/${inspectionId}/submit`)
      .set(as(w.inspectorCj))
      .send({ signature: '王检查' });
    expect(submitted.status).toBe(200);
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  it('prints the filled checklist with results, notes, photos, the finding and the signature', async () => {
    const res = await request(t.http).get(`/api/v1/inspections/${inspectionId}/report.pdf`).set(as(w.headCj)).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const { text, images } = pdfText(res.body as Buffer);
    expect(text).toContain('从江县社会福利院安全隐患排查检查表');
    expect(text).toContain('2026年6月督查');
    expect(text).toContain('疏散通道是否畅通');
    expect(text).toContain('不合格');
    expect(text).toContain('二楼东侧通道堆放轮椅');
    expect(text).toContain('读数/内容：3');
    expect(text).toContain('不涉及');
    expect(text).toMatch(/本次检查发现的隐患（1\s*处）/);
    expect(text).toContain('检查人（签字）：王检查');
    expect(images).toBe(2);
  });

  it('answers 404 outside scope', async () => {
    expect((await request(t.http).get(`/api/v1/inspections/${inspectionId}/report.pdf`).set(as(w.headXc))).status).toBe(404);
    expect((await request(t.http).get(`/api/v1/inspections/${inspectionId}/report.pdf`).set(as(w.bureauGz))).status).toBe(404);
  });
});
