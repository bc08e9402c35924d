import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { BUILTIN_TEMPLATES_DIR, TemplatesService } from '../src/templates/templates.service.js';
import { Factories } from './factories/world.js';
import { MINI_TEMPLATE } from './factories/templates.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';
import { bearer } from './helpers/api.js';

describe('templates', () => {
  let t: TestApp;
  let f: Factories;
  let bureau: { token: string };
  let inspector: { token: string };
  const auth = (token: string) => bearer({ token });

  beforeAll(async () => {
    t = await createTestApp();
    f = await Factories.for(t);
    await f.regions([['520000', '贵州省', null]]);
    bureau = await f.user({ role: 'bureau', regionCode: '520000' });
    inspector = await f.user({ role: 'inspector', regionCode: '520000' });
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  it('loads the built-in elderly-care checklist at boot', async () => {
    const res = await request(t.http).get('/api/v1/templates?institutionType=elderly_care').set(auth(inspector.token));
    expect(res.status).toBe(200);
    const builtin = res.body.items.find((x: { code: string }) => x.code === 'elderly-care-safety');
    expect(builtin).toMatchObject({ version: 1, name: '养老机构安全隐患排查检查表', institutionTypes: ['elderly_care'] });
    const items = builtin.sections.flatMap((s: { items: unknown[] }) => s.items);
    expect(items.length).toBeGreaterThanOrEqual(62);
    const none = await request(t.http).get('/api/v1/templates?institutionType=funeral').set(auth(inspector.token));
    expect(none.body.items.map((x: { code: string }) => x.code)).not.toContain('elderly-care-safety');
  });

  it('reloads built-in files idempotently: same content same version, changed content a new version', async () => {
    const service = t.app.get(TemplatesService);
    expect(await service.loadBuiltin(BUILTIN_TEMPLATES_DIR)).toEqual([]);
    const dir = await mkdtemp(join(tmpdir(), 'paicha-tpl-'));
    try {
      await cp(join(BUILTIN_TEMPLATES_DIR, 'elderly-care.yaml'), join(dir, 'elderly-care.yaml'));
      expect(await service.loadBuiltin(dir)).toEqual([]);
      const text = await readFile(join(dir, 'elderly-care.yaml'), 'utf8');
      await writeFile(
        join(dir, 'elderly-care.yaml'),
        text.replace('name: 养老机构安全隐患排查检查表', 'name: 养老机构安全隐患排查检查表（修订）'),
      );
      expect(await service.loadBuiltin(dir)).toEqual(['elderly-care-safety v2']);
      expect(await service.loadBuiltin(dir)).toEqual([]);
      const latest = await request(t.http).get('/api/v1/templates/by-code/elderly-care-safety').set(auth(inspector.token));
      expect(latest.body).toMatchObject({ version: 2, name: '养老机构安全隐患排查检查表（修订）' });
      const v1 = await request(t.http).get('/api/v1/templates/by-code/elderly-care-safety?version=1').set(auth(inspector.token));
      expect(v1.body).toMatchObject({ version: 1, name: '养老机构安全隐患排查检查表' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('creates a template and publishes versions; versions are read by id and code', async () => {
    const created = await request(t.http).post('/api/v1/templates').set(auth(bureau.token)).send(MINI_TEMPLATE);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: 'mini-check', version: 1, sections: MINI_TEMPLATE.sections });
    const dup = await request(t.http).post('/api/v1/templates').set(auth(bureau.token)).send(MINI_TEMPLATE);
    expect(dup.status).toBe(409);
    const { code: _code, ...content } = MINI_TEMPLATE;
    const v2 = await request(t.http)
      .post('/api/v1/templates/by-code/mini-check/versions')
      .set(auth(bureau.token))
      .send({ ...content, name: '迷你检查表 v2' });
    expect(v2.status).toBe(201);
    expect(v2.body.version).toBe(2);
    const byId = await request(t.http).get(`/api/v1/templates/${created.body.id}`).set(auth(inspector.token));
    expect(byId.body).toMatchObject({ version: 1, name: '迷你检查表' });
    expect((await request(t.http).get('/api/v1/templates/by-code/mini-check').set(auth(inspector.token))).body.version).toBe(2);
    expect((await request(t.http).get('/api/v1/templates/by-code/mini-check?version=9').set(auth(inspector.token))).status).toBe(404);
    expect((await request(t.http).post('/api/v1/templates/by-code/nope/versions').set(auth(bureau.token)).send(content)).status).toBe(404);
  });

  it('validates template content', async () => {
    const twice = structuredClone(MINI_TEMPLATE);
    twice.code = 'twice';
    twice.sections[1].items[0].code = 'A01';
    const res = await request(t.http).post('/api/v1/templates').set(auth(bureau.token)).send(twice);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'sections[1].items[0].code', message: 'item code A01 is used twice' }]);
    const bad = structuredClone(MINI_TEMPLATE) as unknown as { code: string; sections: { items: Record<string, unknown>[] }[] };
    bad.code = 'bad';
    bad.sections[0].items[0].responseType = 'photo';
    bad.sections[0].items[1].deadlineDays = 0;
    const res2 = await request(t.http).post('/api/v1/templates').set(auth(bureau.token)).send(bad);
    expect(res2.status).toBe(400);
    expect(res2.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'sections[0].items[0].responseType',
      'sections[0].items[1].deadlineDays',
    ]);
    expect(
      (
        await request(t.http)
          .post('/api/v1/templates')
          .set(auth(bureau.token))
          .send({ ...MINI_TEMPLATE, code: 'Bad Code' })
      ).status,
    ).toBe(400);
  });

  it('lets only admin and bureau write templates', async () => {
    const res = await request(t.http)
      .post('/api/v1/templates')
      .set(auth(inspector.token))
      .send({ ...MINI_TEMPLATE, code: 'by-inspector' });
    expect(res.status).toBe(403);
  });
});
