import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import pg from 'pg';
import { FIXTURE_PASSWORD } from './factories/world.js';
import { freeLowPort, startService, type ServiceProcess } from './helpers/processes.js';
import { createEmptyDatabase } from './helpers/test-database.js';
import { TEST_JWT_SECRET } from './helpers/test-app.js';
import { api } from './helpers/api.js';

/**
 * Three service processes on one empty database, booted together: migrations
 * and the admin bootstrap race safely, a one-second cron runs each slot once
 * in total, each webhook is delivered once, and a round opened from two
 * instances at once fans out once.
 */
describe('three instances on one database', () => {
  let url: string;
  let db: pg.Pool;
  let receiver: Server;
  let hooks: string[];
  const services: { process: ServiceProcess; base: string }[] = [];

  beforeAll(async () => {
    url = await createEmptyDatabase();
    db = new pg.Pool({ connectionString: url, max: 2 });
    hooks = [];
    const hookPort = await freeLowPort();
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        hooks.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(hookPort, '127.0.0.1', r));
    const ports = await Promise.all([freeLowPort(), freeLowPort(), freeLowPort()]);
    for (const port of ports) {
      const process = startService({
        DATABASE_URL: url,
        JWT_SECRET: TEST_JWT_SECRET,
        ADMIN_PASSWORD: FIXTURE_PASSWORD,
        PORT: String(port),
        DEADLINES_CRON: '* * * * * *',
        WEBHOOK_URL: `http://127.0.0.1:${hookPort}/hooks`,
        WEBHOOK_SECRET: 'many-instances-secret',
      });
      services.push({ process, base: `http://127.0.0.1:${port}` });
    }
    const deadline = Date.now() + 60_000;
    for (const s of services) {
      for (;;) {
        if (s.process.child.exitCode !== null) throw new Error(`an instance died:\n${s.process.output()}`);
        const ok = await fetch(`${s.base}/health`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) break;
        if (Date.now() > deadline) throw new Error(`not healthy:\n${s.process.output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }, 90_000);

  afterAll(async () => {
    for (const s of services) if (s.process.child.exitCode === null) s.process.child.kill('SIGTERM');
    await Promise.all(services.map((s) => s.process.exited));
    await new Promise((r) => receiver.close(r));
    await db.end();
  });

  it('migrated once and created one admin', async () => {
    const migrations = await db.query<{ name: string; n: number }>('SELECT name, count(*)::int AS n FROM migrations GROUP BY name');
    expect(migrations.rows.length).toBeGreaterThan(0);
    expect(migrations.rows.every((r) => r.n === 1)).toBe(true);
    expect((await db.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin'`)).rows[0].n).toBe(1);
    const templates = await db.query<{ code: string; n: number }>('SELECT code, count(*)::int AS n FROM templates GROUP BY code');
    expect(templates.rows.every((r) => r.n === 1)).toBe(true);
  });

  it('runs each one-second cron slot once in total, and delivers each webhook once', async () => {
    const login = async (base: string) => ({
      token: (await api(base).anonymous.post('/auth/login', { username: 'admin', password: FIXTURE_PASSWORD }).expect(200)).body
        .accessToken as string,
    });
    const admins = await Promise.all(services.map((s) => login(s.base)));
    const as = (i: number) => api(services[i].base).as(admins[i]);

    // a little world, through the first instance
    await db.query(
      `INSERT INTO regions (code, name, level, parent_code, path) VALUES ('520000', '贵州省', 'province', NULL, '/520000/'), ('522633', '从江县', 'county', '520000', '/520000/522633/')`,
    );
    const institution = (
      await as(0).post('/institutions', { name: '多实例养老院', type: 'elderly_care', regionCode: '522633' }).expect(201)
    ).body;
    await db.query(
      `INSERT INTO users (username, password_hash, display_name, role, institution_id) SELECT 'mi-head', password_hash, '院长', 'institution_head', $1 FROM users WHERE role = 'admin'`,
      [institution.id],
    );
    await as(0).post('/regions', { code: '522633101', name: '丙妹镇', parentCode: '522633' }).expect(201);

    // a round opened from two instances at once fans out once
    const round = (
      await as(1)
        .post('/rounds', {
          name: '多实例轮次',
          kind: 'self',
          regionCode: '520000',
          startsOn: '2026-06-01',
          endsOn: '2026-06-30',
          institutionTypes: ['elderly_care'],
          templates: { elderly_care: 'elderly-care-safety' },
        })
        .expect(201)
    ).body;
    const opened = await Promise.all([1, 2].map(async (i) => (await as(i).post(`/rounds/${round.id}/open`).expect(200)).body));
    expect(opened.map((o) => o.inspectionsCreated).reduce((a: number, b: number) => a + b, 0)).toBe(1);

    // an ad-hoc finding notifies the head: one webhook, whichever instance sends it
    const finding = (await as(2).post('/findings', { institutionId: institution.id, title: '多实例隐患', severity: 'general' }).expect(201))
      .body;
    expect(finding.status).toBe('open');
    const until = Date.now() + 15_000;
    while (hooks.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 3_000));
    expect(hooks.map((h) => JSON.parse(h).findingId)).toEqual([finding.id]);

    const slots = await db.query<{ slot: string; n: number }>(
      `SELECT data->>'slot' AS slot, count(*)::int AS n FROM audit_events WHERE action = 'job.run' GROUP BY 1`,
    );
    expect(slots.rows.length).toBeGreaterThanOrEqual(3);
    expect(slots.rows.every((r) => r.n === 1)).toBe(true);
    const runs = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM job_runs WHERE job = 'deadlines'`);
    expect(runs.rows[0].n).toBeGreaterThanOrEqual(slots.rows.length);
  }, 60_000);
});
