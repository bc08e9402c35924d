import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { Factories, type FixtureUser } from './factories/world.js';
import { PNG_1PX } from './helpers/files.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';
import { bearer } from './helpers/api.js';

const TYPES = ['elderly_care', 'child_welfare', 'relief_station', 'mental_health', 'minor_protection', 'community_elderly', 'funeral'];

interface Item {
  code: string;
  severity: string;
  responseType: string;
  requiresPhotoOnFail: boolean;
}

/** Every built-in checklist goes round the loop: a round opens on it, failed major items become supervised findings. */
describe('each built-in checklist in the loop', () => {
  let t: TestApp;
  let f: Factories;
  let bureau: FixtureUser;
  let inspector: FixtureUser;
  const as = bearer;

  beforeAll(async () => {
    t = await createTestApp();
    f = await Factories.for(t);
    await f.regions([
      ['520000', '贵州省', null],
      ['522600', '黔东南苗族侗族自治州', '520000'],
      ['522633', '从江县', '522600'],
    ]);
    bureau = await f.user({ role: 'bureau', regionCode: '522600' });
    inspector = await f.user({ role: 'inspector', regionCode: '522633' });
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  it.each(TYPES)('%s', async (type) => {
    const templates = await request(t.http).get(`/api/v1/templates?institutionType=${type}`).set(as(inspector));
    expect(templates.body.items).toHaveLength(1);
    const template = templates.body.items[0];
    const institution = await f.institution({ regionCode: '522633', type, name: `${type} 测试机构` });
    const round = await request(t.http)
      .post('/api/v1/rounds')
      .set(as(bureau))
      .send({
        name: `${type} 督查`,
        kind: 'supervisory',
        regionCode: '522633',
        startsOn: '2026-06-01',
        endsOn: '2026-06-30',
        institutionTypes: [type],
        templates: { [type]: template.code },
      });
    expect(round.status).toBe(201);
    expect((await request(t.http).post(`/api/v1/rounds/${round.body.id}/open`).set(as(bureau))).body.inspectionsCreated).toBe(1);
    const inspection = (
      await request(t.http).get(`/api/v1/inspections?roundId=${round.body.id}&institutionId=${institution.id}`).set(as(inspector))
    ).body.items[0];
    const items: Item[] = template.sections.flatMap((s: { items: Item[] }) => s.items);
    const photo = (await request(t.http).post('/api/v1/attachments').set(as(inspector)).attach('file', PNG_1PX, 'p.png')).body.id;
    const failing = items.filter((i) => i.severity === 'major' || i === items[0]);
    const answers = items.map((i) => {
      const fail = failing.includes(i);
      return {
        itemCode: i.code,
        result: fail ? 'fail' : 'pass',
        ...(i.responseType === 'number' ? { value: 1 } : i.responseType === 'text' ? { value: '情况说明' } : {}),
        ...(fail && i.requiresPhotoOnFail ? { attachmentIds: [photo] } : {}),
      };
    });
    expect((await request(t.http).put(`/api/v1/inspections/${inspection.id}/answers`).set(as(inspector)).send({ answers })).status).toBe(
      200,
    );
    const submitted = await request(t.http).post(`/api/v1/inspections/${inspection.id}/submit`).set(as(inspector)).send({});
    expect(submitted.status).toBe(200);
    expect(submitted.body.findingsCreated).toBe(failing.length);
    const majors = await request(t.http).get(`/api/v1/findings?roundId=${round.body.id}&severity=major&pageSize=500`).set(as(bureau));
    expect(majors.body.total).toBe(items.filter((i) => i.severity === 'major').length);
    expect(majors.body.items.every((x: { supervised: boolean }) => x.supervised)).toBe(true);
  });
});
