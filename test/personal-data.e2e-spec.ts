import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rm } from 'node:fs/promises';
import { Factories, findingIn } from './factories/world.js';
import { api } from './helpers/api.js';
import { freeLowPort, startService, tempDataDir, waitForHealth, type ServiceProcess } from './helpers/processes.js';
import { TEST_JWT_SECRET } from './helpers/test-app.js';
import { createTestDatabase } from './helpers/test-database.js';

const PHONE = '13987654321';
const DIGITS_SHOWN = /987654321|9876\s*5432|139-?8765-?4321/;

/**
 * 个人信息保护: a phone number typed into the service is found in clear in no
 * table of the database, no line of the service's log (at debug level), and no
 * export — only in the answer of an audited reveal.
 */
describe('personal data stays out of the dump, the log and the exports', () => {
  let service: ServiceProcess;
  let base: string;
  let f: Factories;
  let dir: string;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    dir = await tempDataDir('paicha-pii');
    const port = await freeLowPort();
    service = startService({
      DATABASE_URL: databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      PORT: String(port),
      DATA_DIR: dir,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'debug',
    });
    base = `http://127.0.0.1:${port}`;
    await waitForHealth(port, service, 60_000);
    f = Factories.forDatabase(databaseUrl, TEST_JWT_SECRET);
    await f.regions([
      ['520000', '贵州省', null],
      ['522633', '从江县', '520000'],
    ]);
  }, 90_000);

  afterAll(async () => {
    service?.child.kill('SIGTERM');
    await service?.exited;
    await f?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the number encrypted everywhere but in an audited reveal', async () => {
    const bureau = await f.user({ role: 'bureau', regionCode: '522633' });
    const created = await api(base)
      .as(bureau)
      .post('/institutions', { name: '隐私养老院', type: 'elderly_care', regionCode: '522633', phone: PHONE })
      .expect(201);
    const id = created.body.id as string;
    await findingIn(f, { institutionId: id, regionCode: '522633', deadline: '2026-06-30' });
    await api(base).as(bureau).patch(`/institutions/${id}`, { phone: PHONE }).expect(200);
    const csv = new FormData();
    csv.append(
      'file',
      new Blob([`name,type,regionCode,address,beds,creditCode,headName,phone\n导入养老院,elderly_care,522633,,,,,${PHONE}\n`]),
      'i.csv',
    );
    const imported = await fetch(`${base}/api/v1/institutions/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bureau.token}` },
      body: csv,
    });
    expect(imported.status).toBe(200);
    expect((await api(base).as(bureau).get(`/institutions?phone=${PHONE}`).expect(200)).body.total).toBe(2);
    const revealed = await api(base).as(bureau).get(`/institutions/${id}?reveal=phone`).expect(200);
    expect(revealed.body.phone).toBe(PHONE);

    // every export a bureau can take of the region
    const exports: [string, Buffer][] = [];
    for (const format of ['csv', 'xlsx', 'pdf']) {
      const res = await fetch(`${base}/api/v1/reports/monthly?regionCode=522633&month=2026-06&format=${format}`, {
        headers: { authorization: `Bearer ${bureau.token}` },
      });
      expect(res.status).toBe(200);
      exports.push([format, Buffer.from(await res.arrayBuffer())]);
    }
    const list = await api(base).as(bureau).get('/institutions?regionCode=522633').expect(200);
    expect(list.body.items.map((i: { phone: string }) => i.phone)).toEqual(['139****4321', '139****4321']);
    exports.push(['list', Buffer.from(JSON.stringify(list.body))]);
    for (const [format, body] of exports) {
      expect({ format, clear: body.toString('latin1').includes(PHONE) || body.toString('utf8').includes(PHONE) }).toEqual({
        format,
        clear: false,
      });
    }

    // the whole database, every row of every table as text (what a dump holds)
    const tables = (await f.db.query<{ name: string }>(`SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public'`))
      .rows;
    expect(tables.length).toBeGreaterThanOrEqual(20);
    const found: string[] = [];
    for (const { name } of tables) {
      const { rows } = await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name} t WHERE t::text ~ $1`, [
        DIGITS_SHOWN.source,
      ]);
      if (rows[0].n > 0) found.push(name);
    }
    expect(found).toEqual([]);

    // the service's log at debug level
    expect(service.output().length).toBeGreaterThan(0);
    expect(service.output()).not.toMatch(DIGITS_SHOWN);
  }, 60_000);
});
