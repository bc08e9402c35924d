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
import { tempDataDir } from './helpers/processes.js';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from './helpers/test-app.js';

/** Runs the built CLI as `npm run backup|restore` does; resolves with its exit code and output. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['dist/src/backup/cli.js', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', JWT_SECRET: TEST_JWT_SECRET, ...env },
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
});
