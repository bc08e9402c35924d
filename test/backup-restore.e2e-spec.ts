import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { rectifiedFieldFinding, submittedFieldInspection } from './factories/field.js';
import { Factories } from './factories/world.js';
import { PDF_MINI } from './helpers/files.js';
import { startS3 } from './helpers/s3.js';
import { openScratchServer } from '../src/database/scratch-server.js';
import { tempDataDir } from './helpers/processes.js';
import { createTestApp, TEST_AUDIT_KEY, TEST_DATA_KEY, TEST_JWT_SECRET, type TestApp } from './helpers/test-app.js';

/** Runs the built CLI as `npm run backup|restore` does; resolves with its exit code and output. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['dist/src/backup/cli.js', ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      JWT_SECRET: TEST_JWT_SECRET,
      DATA_KEY: TEST_DATA_KEY,
      AUDIT_KEY: TEST_AUDIT_KEY,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output, ms: Date.now() - started })));
}

/** The drill: seed, back up, wipe, restore; the audit chain, every file and the monthly summary are as before. */
describe('backup and restore drill (local storage, embedded PostgreSQL 18)', () => {
  let t: TestApp;
  let storage: string;
  let out: string;
  const month = new Date().toISOString().slice(0, 7);

  beforeAll(async () => {
    storage = await tempDataDir('paicha-drill-files');
    out = await tempDataDir('paicha-drill-backup');
    t = await createTestApp({ env: { STORAGE_DIR: storage } });
  }, 60_000);

  afterAll(async () => {
    await t.close();
    await rm(storage, { recursive: true, force: true });
    await rm(out, { recursive: true, force: true });
  });

  it('restores a wiped database and store to what they were', async () => {
    const f = await Factories.for(t);
    const photo = await readFile('test/fixtures/photo.jpg');
    const rectified = await rectifiedFieldFinding(t, f, photo);
    await submittedFieldInspection(t, f, PDF_MINI);
    const admin = await f.user({ role: 'admin' });
    await f.close();
    const as = { Authorization: `Bearer ${admin.token}` };
    const state = async (app: TestApp) => ({
      verify: (await request(app.http).get('/api/v1/audit/verify').set(as).expect(200)).body,
      summary: (await request(app.http).get(`/api/v1/reports/summary?regionCode=522600&month=${month}`).set(as).expect(200)).body,
      finding: (await request(app.http).get(`/api/v1/findings/${rectified.findingId}`).set(as).expect(200)).body,
    });
    const before = await state(t);
    expect(before.verify.ok).toBe(true);
    expect(before.summary.findings.found).toBeGreaterThanOrEqual(2);
    const db = new pg.Client({ connectionString: t.databaseUrl });
    db.on('error', () => undefined);
    await db.connect();
    const attachments = (await db.query<{ sha256: string }>('SELECT DISTINCT sha256 FROM attachments ORDER BY 1')).rows.map(
      (r) => r.sha256,
    );
    expect(attachments.length).toBeGreaterThanOrEqual(2);
    const env = { DATABASE_URL: t.databaseUrl, STORAGE_DIR: storage };
    await t.close();

    const backedUp = await cli(['backup', '--out', out], env);
    expect(backedUp.output).toMatch(/database by (copy|pg_dump)/);
    expect(backedUp.code).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.files.map((e: { sha256: string }) => e.sha256).sort()).toEqual(attachments);

    // a target that holds data is refused, and left as it was
    const refused = await cli(['restore', '--from', out], env);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('the target is not empty');
    expect((await db.query('SELECT count(DISTINCT sha256)::int AS n FROM attachments')).rows[0].n).toBe(attachments.length);

    // wipe: the schema and every stored file are gone
    await db.query('DROP SCHEMA public CASCADE');
    await db.query('CREATE SCHEMA public');
    await rm(storage, { recursive: true, force: true });

    const restored = await cli(['restore', '--from', out], env);
    expect(restored.output).toContain('restored');
    expect(restored.code).toBe(0);

    for (const sha256 of attachments) {
      const bytes = await readFile(join(storage, sha256.slice(0, 2), sha256));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha256);
    }
    await db.end();
    t = await createTestApp({ env: { STORAGE_DIR: storage }, databaseUrl: env.DATABASE_URL });
    const after = await state(t);
    expect(after).toEqual(before);
    // the restored service carries on: a new event chains onto the restored ones
    const photoRes = await request(t.http).post('/api/v1/attachments').set(as).attach('file', PDF_MINI, 'again.pdf');
    expect([200, 201]).toContain(photoRes.status);
    const verify = (await request(t.http).get('/api/v1/audit/verify').set(as).expect(200)).body;
    expect(verify.ok).toBe(true);
    expect(verify.events).toBeGreaterThanOrEqual(before.verify.events);

    // --force replaces a target that holds data
    const forced = await cli(['restore', '--from', out, '--force'], env);
    expect(forced.code).toBe(0);
    console.log(`drill: backup ${backedUp.ms} ms, restore ${restored.ms} ms (${backedUp.output.trim()})`);
  }, 120_000);

  it('backs up an S3 bucket and a PostgreSQL 15 server through pg_dump, and restores them into an empty bucket', async () => {
    // the machine's PostgreSQL 15 service (and its pg_dump 15): the path of a DATABASE_URL deployment
    const server = await openScratchServer(process.env.PAICHA_PG15_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
    const s3 = await startS3();
    const dir = await tempDataDir('paicha-drill-s3');
    let app: TestApp | undefined;
    try {
      const url = await server.createDatabase('paicha_drill15');
      await s3.createBucket('live');
      await s3.createBucket('restored');
      app = await createTestApp({ databaseUrl: url, env: s3.env('live') });
      const f = await Factories.for(app);
      const photo = await readFile('test/fixtures/photo.jpg');
      const found = await submittedFieldInspection(app, f, photo);
      const admin = await f.user({ role: 'admin' });
      const ids = (await f.db.query<{ id: string; sha256: string }>('SELECT id, sha256 FROM attachments')).rows;
      await f.close();
      const as = { Authorization: `Bearer ${admin.token}` };
      const before = {
        verify: (await request(app.http).get('/api/v1/audit/verify').set(as).expect(200)).body,
        finding: (await request(app.http).get(`/api/v1/findings/${found.findingId}`).set(as).expect(200)).body,
      };
      await app.close();
      app = undefined;

      const backedUp = await cli(['backup', '--out', dir], { DATABASE_URL: url, ...s3.env('live') });
      expect(backedUp.output).toContain('database by pg_dump (PostgreSQL 15');
      expect(backedUp.output).toContain('from s3 storage');
      expect(backedUp.code).toBe(0);

      const db = new pg.Client({ connectionString: url });
      db.on('error', () => undefined);
      await db.connect();
      await db.query('DROP SCHEMA public CASCADE');
      await db.query('CREATE SCHEMA public');
      await db.end();
      const restored = await cli(['restore', '--from', dir], { DATABASE_URL: url, ...s3.env('restored') });
      expect(restored.output).toContain('restored');
      expect(restored.code).toBe(0);
      expect(await s3.keys('restored')).toEqual((await s3.keys('live')).filter((k) => !k.startsWith('tmp/')));

      app = await createTestApp({ databaseUrl: url, env: s3.env('restored') });
      expect((await request(app.http).get('/api/v1/audit/verify').set(as).expect(200)).body).toEqual(before.verify);
      expect((await request(app.http).get(`/api/v1/findings/${found.findingId}`).set(as).expect(200)).body).toEqual(before.finding);
      for (const row of ids) {
        const got = await request(app.http).get(`/api/v1/attachments/${row.id}`).set(as).buffer(true);
        expect(got.status).toBe(200);
        expect(
          createHash('sha256')
            .update(got.body as Buffer)
            .digest('hex'),
        ).toBe(row.sha256);
      }
    } finally {
      await app?.close();
      await s3.stop();
      s3.client.destroy();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
      await rm(s3.dir, { recursive: true, force: true });
    }
  }, 120_000);
});
