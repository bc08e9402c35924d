import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rm } from 'node:fs/promises';
import { Factories, findingIn, type FixtureUser } from './factories/world.js';
import { freeLowPort, startService, tempDataDir, waitForHealth, type ServiceProcess } from './helpers/processes.js';
import { createTestDatabase } from './helpers/test-database.js';
import { TEST_JWT_SECRET } from './helpers/test-app.js';

const NOTICES = 50;

/**
 * Numbers under contention: two service processes on one database (and one
 * file store) issue 50 notices at once for the same region, kind and year.
 * The numbers must be exactly 1..50: no gap, no repeat.
 */
describe('document numbers across two instances', () => {
  let f: Factories;
  let dir: string;
  let bureau: FixtureUser;
  const services: { process: ServiceProcess; base: string }[] = [];
  const inspections: string[] = [];

  beforeAll(async () => {
    const url = await createTestDatabase();
    dir = await tempDataDir('paicha-docs-race');
    for (const port of [await freeLowPort(), await freeLowPort()]) {
      const process = startService({
        DATABASE_URL: url,
        JWT_SECRET: TEST_JWT_SECRET,
        PORT: String(port),
        DATA_DIR: dir,
        STORAGE_DIR: `${dir}/storage`,
        SEED_DEMO: 'false',
      });
      services.push({ process, base: `http://127.0.0.1:${port}` });
    }
    await Promise.all(services.map((s) => waitForHealth(Number(new URL(s.base).port), s.process, 60_000)));

    f = Factories.forDatabase(url, TEST_JWT_SECRET);
    await f.regions([
      ['520000', '贵州省', null],
      ['522633', '从江县', '520000'],
    ]);
    bureau = await f.user({ role: 'bureau', regionCode: '522633' });
    const round = await f.db.query<{ id: string }>(
      `INSERT INTO rounds (name, kind, region_code, starts_on, ends_on, institution_types, templates, status)
       VALUES ('并发督查', 'supervisory', '522633', '2026-06-01', '2026-12-31', '{elderly_care}',
         '{"elderly_care":"elderly-care-safety"}', 'open') RETURNING id`,
    );
    for (let i = 0; i < NOTICES; i++) {
      const institution = await f.institution({ regionCode: '522633', name: `并发养老院${i + 1}` });
      const { rows } = await f.db.query<{ id: string }>(
        `INSERT INTO inspections (round_id, institution_id, region_code, template_id, template_version, kind, status, submitted_at)
         SELECT $1, $2, '522633', id, version, 'supervisory', 'submitted', now() FROM templates ORDER BY version LIMIT 1 RETURNING id`,
        [round.rows[0].id, institution.id],
      );
      const finding = await findingIn(f, { institutionId: institution.id, regionCode: '522633', deadline: '2026-12-31' });
      await f.db.query('UPDATE findings SET inspection_id = $1 WHERE id = $2', [rows[0].id, finding]);
      inspections.push(rows[0].id);
    }
  }, 120_000);

  afterAll(async () => {
    for (const s of services) if (s.process.child.exitCode === null) s.process.child.kill('SIGTERM');
    await Promise.all(services.map((s) => s.process.exited));
    await f?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('issues 50 notices at once from two instances as numbers 1..50', async () => {
    const started = Date.now();
    const answers = await Promise.all(
      inspections.map((id, i) =>
        fetch(`${services[i % 2].base}/api/v1/inspections/${id}/notices`, {
          method: 'POST',
          headers: { authorization: `Bearer ${bureau.token}` },
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { number: string } })),
      ),
    );
    const elapsed = Date.now() - started;
    expect(answers.map((a) => a.status)).toEqual(inspections.map(() => 201));
    const serials = answers.map((a) => Number(/^从民安整〔\d{4}〕(\d+)号$/.exec(a.body.number)?.[1])).sort((a, b) => a - b);
    expect(serials).toEqual(Array.from({ length: NOTICES }, (_, i) => i + 1));
    const counter = await f.db.query<{ n: number }>(
      `SELECT n FROM document_counters WHERE region_code = '522633' AND kind = 'rectification_notice'`,
    );
    expect(counter.rows).toEqual([{ n: NOTICES }]);
    // the figure for docs/documents.md (not asserted: speed belongs to bench/)
    process.stdout.write(`[documents race] ${NOTICES} notices from 2 instances in ${elapsed} ms\n`);
  }, 180_000);
});
