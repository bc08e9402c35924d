import request from 'supertest';
import type { TestApp } from '../helpers/test-app.js';
import type { Factories, FixtureUser, TwoRegionWorld } from './world.js';
import { bearer } from '../helpers/api.js';

export interface FieldInspection {
  inspectionId: string;
  institution: { id: string; name: string; regionCode: string };
  inspector: FixtureUser;
  head: FixtureUser;
  bureau: FixtureUser;
}

let county = 522650;

/**
 * A county of its own under 黔东南州 with one elderly-care home, its head, an
 * inspector and an opened supervisory round whose one inspection is assigned
 * to that inspector: every test gets an inspection nobody else touches.
 */
export async function fieldInspection(
  t: TestApp,
  f: Factories,
  options: { name?: string; usernamePrefix?: string } = {},
): Promise<FieldInspection> {
  const { name = '从江县社会福利院', usernamePrefix } = options;
  const username = (role: string) => (usernamePrefix ? `${usernamePrefix}-${role}` : f.unique(role));
  county += 1;
  const code = String(county);
  await f.regions([
    ['520000', '贵州省', null],
    ['522600', '黔东南苗族侗族自治州', '520000'],
    [code, `测试县${code}`, '522600'],
  ]);
  const institution = await f.institution({ regionCode: code, type: 'elderly_care', name });
  const inspector = await f.user({ role: 'inspector', regionCode: code, username: username('inspector') });
  const head = await f.user({ role: 'institution_head', institutionId: institution.id, username: username('head') });
  const bureau = await f.user({ role: 'bureau', regionCode: '522600', username: username('bureau') });
  const as = bearer(bureau);
  const round = await request(t.http)
    .post('/api/v1/rounds')
    .set(as)
    .send({
      name: '2026年6月安全管理月督查',
      kind: 'supervisory',
      regionCode: code,
      startsOn: '2026-06-01',
      endsOn: '2026-12-31',
      institutionTypes: ['elderly_care'],
      templates: { elderly_care: 'elderly-care-safety' },
    })
    .expect(201);
  await request(t.http).post(`/api/v1/rounds/${round.body.id}/open`).set(as).expect(200);
  const list = await request(t.http).get(`/api/v1/inspections?roundId=${round.body.id}`).set(as).expect(200);
  const inspectionId = list.body.items[0].id as string;
  await request(t.http).post(`/api/v1/inspections/${inspectionId}/assign`).set(as).send({ inspectorId: inspector.id }).expect(200);
  return { inspectionId, institution, inspector, head, bureau };
}

/**
 * In the two-region world: a supervisory round of its own on the mini checklist
 * (MINI_TEMPLATE, published by the spec) over 从江, opened; the id of
 * 从江县社会福利院's inspection in it (for the 从江 inspector) and how many the opening created.
 */
export async function cjMiniInspection(
  t: TestApp,
  w: TwoRegionWorld,
  name: string,
  options: { endsOn?: string } = {},
): Promise<{ id: string; inspectionsCreated: number }> {
  const as = bearer(w.bureauCj);
  const round = await request(t.http)
    .post('/api/v1/rounds')
    .set(as)
    .send({
      name,
      kind: 'supervisory',
      regionCode: '522633',
      startsOn: '2026-06-01',
      endsOn: options.endsOn ?? '2026-06-30',
      institutionTypes: ['elderly_care'],
      templates: { elderly_care: 'mini-check' },
    })
    .expect(201);
  const opened = await request(t.http).post(`/api/v1/rounds/${round.body.id}/open`).set(as).expect(200);
  const list = await request(t.http)
    .get(`/api/v1/inspections?roundId=${round.body.id}&institutionId=${w.instCj.id}`)
    .set(bearer(w.inspectorCj))
    .expect(200);
  return { id: list.body.items[0].id as string, inspectionsCreated: opened.body.inspectionsCreated as number };
}

export interface FieldFinding extends FieldInspection {
  findingId: string;
}

/**
 * A field inspection filled and submitted through the API: every item passes
 * but the checklist's first general item, which fails with a note and a photo;
 * its finding (open, for the head to rectify) is returned.
 */
export async function submittedFieldInspection(t: TestApp, f: Factories, photo: Buffer): Promise<FieldFinding> {
  const field = await fieldInspection(t, f);
  const as = bearer(field.inspector);
  const detail = (await request(t.http).get(`/api/v1/inspections/${field.inspectionId}`).set(as).expect(200)).body;
  const items: { code: string; severity: string; responseType: string }[] = detail.template.sections.flatMap(
    (s: { items: unknown[] }) => s.items,
  );
  const failing = items.find((i) => i.severity === 'general')!;
  const attachment = (await request(t.http).post('/api/v1/attachments').set(as).attach('file', photo, 'before.jpg').expect(201)).body.id;
  const answers = items.map((i) => ({
    itemCode: i.code,
    result: i.code === failing.code ? 'fail' : 'pass',
    ...(i.responseType === 'number' ? { value: 2 } : i.responseType === 'text' ? { value: '正常' } : {}),
    ...(i.code === failing.code ? { attachmentIds: [attachment], note: '二楼走廊堆放杂物' } : {}),
  }));
  await request(t.http).put(`/api/v1/inspections/${field.inspectionId}/answers`).set(as).send({ answers }).expect(200);
  await request(t.http).post(`/api/v1/inspections/${field.inspectionId}/submit`).set(as).send({ signature: '王检查' }).expect(200);
  const findings = (await request(t.http).get(`/api/v1/findings?inspectionId=${field.inspectionId}`).set(as).expect(200)).body.items;
  return { ...field, findingId: findings[0].id as string };
}

/** The same, with the head's rectification (a note and a photo) sent: the finding waits for verification. */
export async function rectifiedFieldFinding(t: TestApp, f: Factories, photo: Buffer): Promise<FieldFinding> {
  const found = await submittedFieldInspection(t, f, photo);
  const as = bearer(found.head);
  const attachment = (await request(t.http).post('/api/v1/attachments').set(as).attach('file', photo, 'after.jpg').expect(201)).body.id;
  await request(t.http)
    .post(`/api/v1/findings/${found.findingId}/rectify`)
    .set(as)
    .send({ note: '已清理走廊杂物', attachmentIds: [attachment] })
    .expect(200);
  return found;
}
