import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isDatabaseUnavailable } from '../src/common/problem/problem-details.filter.js';
import { createDataSource } from '../src/database/data-source.js';
import { ensureDatabase, withDatabase } from '../src/database/embedded-database.js';
import { startEmbeddedPostgres, type RunningPostgres } from '../src/database/embedded-postgres.js';
import { DISPOSABLE_SETTINGS } from '../src/database/scratch-server.js';
import { MINI_TEMPLATE } from './factories/templates.js';
import { Factories, type FixtureUser } from './factories/world.js';
import { freeLowPort, startService, tempDataDir, waitForHealth, type ServiceProcess } from './helpers/processes.js';
import { createTestDatabase } from './helpers/test-database.js';
import { TEST_JWT_SECRET } from './helpers/test-app.js';

/**
 * Faults against the real built service (`node dist/src/main.js`) and real
 * PostgreSQL servers:
 *
 * 1. PostgreSQL is stopped (fast shutdown) and started again while 16 clients
 *    save answer batches: /health says 503 then 200 with the same process,
 *    clients see only 200 or 503 problem+json, and every batch acknowledged
 *    with 200 is in the database afterwards.
 * 2. The service is SIGKILLed while it submits an inspection with many failed
 *    items: the inspection is either submitted with all its findings,
 *    notifications and audit event, or not submitted with none of them, and a
 *    restarted service submits it.
 *
 * The CI run is short; `npm run test:soak` turns the knobs below up.
 */
const envInt = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};
const CLIENTS = 16;
const RESTARTS = envInt('FAULT_RESTARTS', 1);
const LOAD_MS = envInt('FAULT_LOAD_MS', 1200);
const OUTAGE_MS = envInt('FAULT_OUTAGE_MS', 2000);
const ATTEMPTS = envInt('FAULT_ATTEMPTS', 8);
const FAILED_ITEMS = envInt('FAULT_ITEMS', 120);

const PROBLEM_JSON = 'application/problem+json; charset=utf-8';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Reply {
  status: number;
  contentType: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the probes read whatever the service answered
  body: any;
}

/** One HTTP call to a service; a network failure is status 0 with the error in body. */
async function call(base: string, method: string, path: string, token?: string, body?: unknown): Promise<Reply> {
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, contentType: res.headers.get('content-type'), body: parsed };
  } catch (error) {
    return { status: 0, contentType: null, body: String(error) };
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see Reply.body
function expectOk(reply: Reply, status = 200): any {
  if (reply.status !== status) throw new Error(`expected ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/**
 * A county of 黔东南 with `count` institutions, each with its head, and a self-check
 * round opened over them on `template`: the admin, the heads and the inspection each one fills.
 */
async function selfCheckCounty(
  f: Factories,
  base: string,
  county: { code: string; name: string; institution: (n: number) => string },
  count: number,
  template: { code: string },
  roundName: string,
): Promise<{ admin: FixtureUser; heads: FixtureUser[]; inspectionIds: string[] }> {
  await f.regions([
    ['520000', '贵州省', null],
    ['522600', '黔东南苗族侗族自治州', '520000'],
    [county.code, county.name, '522600'],
  ]);
  const admin = await f.user({ role: 'admin' });
  const bureau = await f.user({ role: 'bureau', regionCode: county.code });
  const heads: FixtureUser[] = [];
  for (let i = 0; i < count; i++) {
    const institution = await f.institution({ regionCode: county.code, name: county.institution(i + 1) });
    heads.push(await f.user({ role: 'institution_head', institutionId: institution.id }));
  }
  expectOk(await call(base, 'POST', '/api/v1/templates', admin.token, template), 201);
  const round = expectOk(
    await call(base, 'POST', '/api/v1/rounds', bureau.token, {
      name: roundName,
      kind: 'self',
      regionCode: county.code,
      startsOn: '2026-11-01',
      endsOn: '2026-12-31',
      institutionTypes: ['elderly_care'],
      templates: { elderly_care: template.code },
    }),
    201,
  );
  expect(expectOk(await call(base, 'POST', `/api/v1/rounds/${round.id}/open`, bureau.token))).toEqual({ inspectionsCreated: count });
  const inspectionIds: string[] = [];
  for (const head of heads) {
    const list = expectOk(await call(base, 'GET', `/api/v1/inspections?roundId=${round.id}`, head.token));
    expect(list.total).toBe(1);
    inspectionIds.push(list.items[0].id as string);
  }
  return { admin, heads, inspectionIds };
}

/** Starts the built service on a database and waits until /health answers 200. */
// Ports below the ephemeral range, never given twice: another spec's listen(0) cannot take
// one between our choosing it and listening on it (its /health would answer for ours), and a
// kept-alive connection to a killed service cannot be mistaken for one to its successor.
const usedPorts = new Set<number>();

async function boot(databaseUrl: string, dataDir: string): Promise<{ service: ServiceProcess; base: string }> {
  const port = await freeLowPort(usedPorts);
  const service = startService({
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    PORT: String(port),
    SEED_DEMO: 'false',
    LOG_LEVEL: 'error',
  });
  await waitForHealth(port, service, 60_000);
  return { service, base: `http://127.0.0.1:${port}` };
}

/** Stops a service (SIGTERM drains it; SIGKILL if it has not exited within 10 s). */
async function stopService(service: ServiceProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!service) return;
  if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill(signal);
  const timer = setTimeout(() => service.child.kill('SIGKILL'), 10_000);
  await service.exited;
  clearTimeout(timer);
}

describe('PostgreSQL restarted while 16 clients save answers', () => {
  let dataDir: string;
  let pgPort: number;
  let server: RunningPostgres | undefined;
  let databaseUrl: string;
  let app: { service: ServiceProcess; base: string } | undefined;
  let f: Factories;

  beforeAll(async () => {
    dataDir = await tempDataDir('paicha-faults-pg');
    pgPort = await freeLowPort(usedPorts);
    server = await startEmbeddedPostgres({ dataDir, port: pgPort, settings: DISPOSABLE_SETTINGS });
    await ensureDatabase(server.url, 'paicha');
    databaseUrl = withDatabase(server.url, 'paicha');
    app = await boot(databaseUrl, join(dataDir, 'service')); // migrates the empty database at boot
    f = Factories.forDatabase(databaseUrl, TEST_JWT_SECRET);
  }, 90_000);

  afterAll(async () => {
    await f?.close().catch(() => undefined);
    await stopService(app?.service);
    await server?.stop().catch(() => undefined);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it(
    'answers 503 (never 500) during the outage, recovers without a restart, and loses no acknowledged batch',
    async () => {
      const { base, service } = app!;
      const pid = service.child.pid;

      // 16 institutions of 从江县, each with its head, in one self-check round on the mini checklist
      const county = { code: '522633', name: '从江县', institution: (n: number) => `从江县第${n}养老院` };
      const { admin, heads, inspectionIds } = await selfCheckCounty(f, base, county, CLIENTS, MINI_TEMPLATE, '故障演练自查');
      const clients = heads.map((head, i) => ({
        head,
        inspectionId: inspectionIds[i],
        seq: 0,
        acked: new Map<string, number>(),
        ackedBatches: 0,
        okAfterRestart: 0,
      }));

      // the load: each client saves changing batches in a loop; the note and the value carry its sequence number
      const SUBSETS = [['A01', 'A02', 'B01', 'B02'], ['A02', 'B01'], ['A01', 'B02'], ['B01']];
      const replies: { status: number; contentType: string | null; body: unknown }[] = [];
      let lastRestart = Infinity;
      let running = true;
      const loops = clients.map(async (c, n) => {
        while (running) {
          const seq = ++c.seq;
          const items = SUBSETS[seq % SUBSETS.length];
          const answers = items.map((code) => ({
            itemCode: code,
            result: 'pass',
            note: `c${n} s${seq}`,
            ...(code === 'B01' ? { value: seq } : code === 'B02' ? { value: `第${seq}批记录` } : {}),
          }));
          const sentAt = Date.now();
          const reply = await call(base, 'PUT', `/api/v1/inspections/${c.inspectionId}/answers`, c.head.token, { answers });
          replies.push({ status: reply.status, contentType: reply.contentType, body: reply.status === 200 ? undefined : reply.body });
          if (reply.status === 200) {
            for (const code of items) c.acked.set(code, seq);
            c.ackedBatches++;
            if (sentAt > lastRestart) c.okAfterRestart++;
          }
          await sleep(reply.status === 200 ? 5 : 25);
        }
      });

      const outageHealth: number[] = [];
      const recoveries: number[] = [];
      const outages: number[] = [];
      try {
        for (let cycle = 0; cycle < RESTARTS; cycle++) {
          await sleep(LOAD_MS);
          const before = replies.filter((r) => r.status === 200).length;
          expect(before).toBeGreaterThan(0);
          await server!.stop(); // SIGINT: fast shutdown, open transactions rolled back, every connection cut
          const down = Date.now();
          while (Date.now() - down < OUTAGE_MS) {
            outageHealth.push((await call(base, 'GET', '/health')).status);
            await sleep(100);
          }
          server = await startEmbeddedPostgres({ dataDir, port: pgPort, settings: DISPOSABLE_SETTINGS });
          const up = Date.now();
          outages.push(up - down);
          lastRestart = up;
          for (;;) {
            const health = await call(base, 'GET', '/health');
            if (health.status === 200) break;
            if (Date.now() - up > 15_000) throw new Error(`/health did not come back: ${health.status}`);
            await sleep(50);
          }
          recoveries.push(Date.now() - up);
        }
        await sleep(LOAD_MS);
        // on a loaded machine a client may need longer than the load window for its first save after the
        // restart: wait (bounded) until each has one, so the assertion below is about recovery, not speed
        const until = Date.now() + 20_000;
        while (clients.some((c) => c.okAfterRestart === 0) && Date.now() < until) await sleep(100);
      } finally {
        running = false;
        await Promise.all(loops);
      }

      // the same service process lived through it: never exited, still there
      expect(service.child.exitCode).toBeNull();
      expect(process.kill(pid!, 0)).toBe(true);
      expect(service.child.signalCode).toBeNull();

      const byStatus = new Map<number, number>();
      for (const r of replies) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
      const healthDown = outageHealth.filter((s) => s === 503).length;
      console.log(
        `[faults] PostgreSQL restarted ${RESTARTS}× (down ${outages.join(', ')} ms, /health 200 again after ${recoveries.join(', ')} ms); ` +
          `${replies.length} answer batches from ${CLIENTS} clients: ${[...byStatus].map(([s, n]) => `${s}×${n}`).join(', ')}; ` +
          `/health during the outage: ${healthDown}×503 of ${outageHealth.length}`,
      );

      // only 200 and 503; every 503 is problem+json asking to retry
      const unexpected = replies.filter((r) => r.status !== 200 && r.status !== 503);
      expect(unexpected.slice(0, 3)).toEqual([]);
      const unavailable = replies.filter((r) => r.status === 503);
      expect(unavailable.length).toBeGreaterThan(0); // the outage did reach the clients
      for (const r of unavailable) {
        expect(r.contentType).toBe(PROBLEM_JSON);
        expect(r.body).toMatchObject({ status: 503, title: 'Service Unavailable' });
      }
      // /health said 503 for the whole outage, 200 afterwards
      expect(outageHealth.length).toBeGreaterThan(0);
      expect(healthDown).toBe(outageHealth.length);
      expect((await call(base, 'GET', '/health')).body).toEqual({ status: 'ok', db: 'up', storage: 'up' });

      // every client succeeded again after the (last) restart
      expect(clients.map((c) => c.okAfterRestart > 0)).toEqual(clients.map(() => true));

      // every acknowledged batch is in the database: per item, the stored note is that batch's or a later one's
      let checkedAnswers = 0;
      for (const c of clients) {
        const { rows } = await f.db.query<{ item_code: string; note: string; value: unknown }>(
          'SELECT item_code, note, value FROM answers WHERE inspection_id = $1',
          [c.inspectionId],
        );
        const stored = new Map(rows.map((r) => [r.item_code, r]));
        for (const [code, ackedSeq] of c.acked) {
          const row = stored.get(code);
          expect(row).toBeDefined();
          const match = /^c(\d+) s(\d+)$/.exec(row!.note);
          expect(match).not.toBeNull();
          const storedSeq = Number(match![2]);
          expect(Number(match![1])).toBe(clients.indexOf(c));
          expect(storedSeq).toBeGreaterThanOrEqual(ackedSeq);
          expect(storedSeq).toBeLessThanOrEqual(c.seq);
          if (code === 'B01') expect(row!.value).toBe(storedSeq); // value and note from the same batch
          checkedAnswers++;
        }
        // each committed batch moved the version once and wrote one audit event, in the same transaction
        const { rows: meta } = await f.db.query<{ version: number; events: number }>(
          `SELECT x.version, (SELECT count(*)::int FROM audit_events e WHERE e.entity = 'inspection' AND e.entity_id = x.id::text AND e.action = 'inspection.answer') AS events
         FROM inspections x WHERE x.id = $1`,
          [c.inspectionId],
        );
        expect(meta[0].version - 1).toBeGreaterThanOrEqual(c.ackedBatches);
        expect(meta[0].version - 1).toBeLessThanOrEqual(c.seq);
        expect(meta[0].events).toBe(meta[0].version - 1);
      }
      expect(checkedAnswers).toBeGreaterThanOrEqual(CLIENTS * 4);

      // and the audit trail is one unbroken chain
      const verify = expectOk(await call(base, 'GET', '/api/v1/audit/verify', admin.token));
      expect(verify).toMatchObject({ ok: true, firstBadSeq: null });
    },
    60_000 + RESTARTS * (2 * LOAD_MS + OUTAGE_MS + 20_000),
  );

  it('classifies each error a restart raises in the driver as "database unavailable" (503), at each step of a transaction', async () => {
    // The same pool settings as the service; the errors are the ones pg and TypeORM really raise.
    const ds = createDataSource({ url: databaseUrl, poolSize: 4, applicationName: 'paicha-faults-probe' });
    await ds.initialize();
    const errors: Record<string, unknown> = {};
    const capture = (name: string) => (error: unknown) => void (errors[name] = error);
    try {
      // a transaction idle between two statements, a transaction about to commit, and a statement running
      const between = ds.createQueryRunner();
      await between.startTransaction();
      await between.query('SELECT 1');
      const committing = ds.createQueryRunner();
      await committing.startTransaction();
      await committing.query('SELECT 1');
      const running = ds.query('SELECT pg_sleep(30)').catch(capture('statement running at shutdown'));
      await sleep(100);

      await server!.stop();
      await running;
      await between.query('SELECT 2').catch(capture('next statement of a transaction cut between statements'));
      await committing.commitTransaction().catch(capture('COMMIT of a transaction cut before it'));
      await ds.query('SELECT 1').catch(capture('new statement while the server is down'));
      await ds.transaction((em) => em.query('SELECT 1')).catch(capture('new transaction while the server is down'));
      await between.release().catch(() => undefined);
      await committing.release().catch(() => undefined);

      server = await startEmbeddedPostgres({ dataDir, port: pgPort, settings: DISPOSABLE_SETTINGS });
      expect(await ds.query('SELECT 1 AS one')).toEqual([{ one: 1 }]); // the pool recovers by itself
    } finally {
      await ds.destroy().catch(() => undefined);
    }

    const seen = Object.entries(errors).map(([step, e]) => {
      const err = e as { code?: string; message?: string; driverError?: { code?: string; message?: string } };
      return {
        step,
        code: err.driverError?.code ?? err.code,
        message: err.driverError?.message ?? err.message,
        unavailable: isDatabaseUnavailable(e),
      };
    });
    console.log(
      `[faults] driver errors of a restart:\n${seen.map((s) => `  ${s.step}: ${s.code ?? '-'} ${s.message} → ${s.unavailable ? '503' : '500'}`).join('\n')}`,
    );
    expect(seen.map((s) => s.step).sort()).toEqual(
      [
        'COMMIT of a transaction cut before it',
        'new statement while the server is down',
        'new transaction while the server is down',
        'next statement of a transaction cut between statements',
        'statement running at shutdown',
      ].sort(),
    );
    expect(seen.filter((s) => !s.unavailable)).toEqual([]);
  }, 60_000);
});

describe('the service killed with SIGKILL during a submit', () => {
  let databaseUrl: string;
  let dataDir: string;
  let f: Factories;
  const running = new Set<ServiceProcess>();
  const start = async () => {
    const s = await boot(databaseUrl, dataDir);
    running.add(s.service);
    return s;
  };

  beforeAll(async () => {
    dataDir = await tempDataDir('paicha-faults-kill');
    databaseUrl = await createTestDatabase();
    f = Factories.forDatabase(databaseUrl, TEST_JWT_SECRET);
  });

  afterAll(async () => {
    await Promise.all([...running].map((s) => stopService(s, 'SIGKILL')));
    await f?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it(
    'leaves each inspection submitted with all its findings or not submitted at all',
    async () => {
      // a checklist whose every item fails: one submit writes FAILED_ITEMS findings, their events, notifications and the audit event
      const sections = [];
      for (let s = 0; s * 20 < FAILED_ITEMS; s++) {
        const items = [];
        for (let i = s * 20; i < Math.min(FAILED_ITEMS, (s + 1) * 20); i++) {
          items.push({
            code: `K${String(i + 1).padStart(3, '0')}`,
            text: `第${i + 1}项：消防设施是否完好有效`,
            severity: i % 5 === 0 ? 'major' : 'general',
            responseType: 'pass_fail',
            requiresPhotoOnFail: false,
          });
        }
        sections.push({ code: `S${s + 1}`, title: `第${s + 1}部分`, items });
      }
      const template = { code: 'fault-many-items', name: '故障演练检查表', institutionTypes: ['elderly_care'], sections };
      const codes = sections.flatMap((s) => s.items.map((i) => i.code));

      let app = await start();
      const county = { code: '522631', name: '黎平县', institution: (n: number) => `黎平县第${n}敬老院` };
      const {
        admin,
        heads,
        inspectionIds: inspections,
      } = await selfCheckCounty(f, app.base, county, ATTEMPTS + 1, template, '强杀演练自查');
      const answers = codes.map((code) => ({ itemCode: code, result: 'fail', note: `${code} 不合格` }));
      for (const [i, head] of heads.entries())
        expectOk(await call(app.base, 'PUT', `/api/v1/inspections/${inspections[i]}/answers`, head.token, { answers }));

      const stateOf = async (id: string) => {
        const { rows } = await f.db.query<{
          status: string;
          submitted_at: Date | null;
          findings: number;
          items: number;
          events: number;
          notes: number;
          audits: number;
        }>(
          `SELECT x.status, x.submitted_at,
           (SELECT count(*)::int FROM findings g WHERE g.inspection_id = x.id) AS findings,
           (SELECT count(DISTINCT g.item_code)::int FROM findings g WHERE g.inspection_id = x.id) AS items,
           (SELECT count(*)::int FROM finding_events e JOIN findings g ON g.id = e.finding_id WHERE g.inspection_id = x.id AND e.action = 'created') AS events,
           (SELECT count(*)::int FROM notifications n JOIN findings g ON g.id = n.finding_id WHERE g.inspection_id = x.id) AS notes,
           (SELECT count(*)::int FROM audit_events a WHERE a.entity = 'inspection' AND a.entity_id = x.id::text AND a.action = 'inspection.submit') AS audits
         FROM inspections x WHERE x.id = $1`,
          [id],
        );
        return rows[0];
      };
      const ALL = {
        status: 'submitted',
        findings: FAILED_ITEMS,
        items: FAILED_ITEMS,
        events: FAILED_ITEMS,
        notes: FAILED_ITEMS,
        audits: 1,
      };
      const NONE = { status: 'in_progress', submitted_at: null, findings: 0, items: 0, events: 0, notes: 0, audits: 0 };

      // one normal submit, warmed up as each attempt is: how long a submit takes here
      const warm = (base: string, i: number) => call(base, 'GET', `/api/v1/inspections/${inspections[i]}`, heads[i].token);
      expectOk(await warm(app.base, 0));
      const t0 = performance.now();
      const normal = expectOk(
        await call(app.base, 'POST', `/api/v1/inspections/${inspections[0]}/submit`, heads[0].token, { signature: '院长' }),
      );
      const submitMs = performance.now() - t0;
      expect(normal.findingsCreated).toBe(FAILED_ITEMS);
      expect(await stateOf(inspections[0])).toMatchObject(ALL);

      // Each kill: POST /submit of two inspections (the second a random moment after the
      // first), SIGKILL after a delay, then a fresh service for the next kill (the first
      // kill reuses the service above). The delay starts at about a normal submit and
      // follows a staircase (shorter after submits that landed, longer after ones that
      // did not), with jitter, so that both outcomes stay plausible.
      // finding_events ids come from a sequence, which a rollback does not undo: events drawn
      // but not committed show a submit that the kill cut in the middle of its transaction
      const sequence = (await f.db.query<{ name: string }>("SELECT pg_get_serial_sequence('finding_events', 'id') AS name")).rows[0].name;
      const drawnEvents = async () => {
        const { rows } = await f.db.query<{ last_value: string; is_called: boolean }>(`SELECT last_value, is_called FROM ${sequence}`);
        return rows[0].is_called ? Number(rows[0].last_value) : 0;
      };
      let delay = Math.max(10, submitMs);
      let cutMidway = 0;
      const outcomes: { delay: number; landed: boolean; replied: number }[] = [];
      for (let a = 1; a <= ATTEMPTS; a += 2) {
        if (a > 1) app = await start();
        const batch = [a, a + 1].filter((i) => i <= ATTEMPTS);
        for (const i of batch) expectOk(await warm(app.base, i));
        const drawnBefore = await drawnEvents();
        const killAfter = delay * (0.75 + Math.random() * 0.5);
        const second = Math.random() * killAfter;
        const replied = batch.map(() => -1);
        const submits = batch.map(async (i, k) => {
          if (k > 0) await sleep(second);
          replied[k] = (await call(app.base, 'POST', `/api/v1/inspections/${inspections[i]}/submit`, heads[i].token, {})).status;
        });
        await sleep(killAfter);
        app.service.child.kill('SIGKILL');
        await app.service.exited;
        running.delete(app.service);
        await Promise.all(submits);
        // PostgreSQL notices the dead client before we look: until then a COMMIT already on the wire may still land
        for (let waited = 0; ; waited += 20) {
          const { rows } = await f.db.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'paicha'",
          );
          if (rows[0].n === 0) break;
          if (waited > 10_000) throw new Error('the killed service’s connections did not go away');
          await sleep(20);
        }
        let landedHere = 0;
        for (const [k, i] of batch.entries()) {
          const state = await stateOf(inspections[i]);
          const landed = state.status === 'submitted';
          if (landed) expect(state).toMatchObject(ALL);
          else expect(state).toEqual(NONE);
          if (replied[k] === 200) expect(landed).toBe(true); // an acknowledged submit is never lost
          outcomes.push({ delay: Math.round(killAfter - (k > 0 ? second : 0)), landed, replied: replied[k] });
          if (landed) landedHere++;
        }
        cutMidway += ((await drawnEvents()) - drawnBefore - landedHere * FAILED_ITEMS) / FAILED_ITEMS;
        delay = landedHere === batch.length ? delay * 0.6 : landedHere === 0 ? delay * 1.6 : delay;
      }
      const landedCount = outcomes.filter((o) => o.landed).length;
      console.log(
        `[faults] normal submit of ${FAILED_ITEMS} failed items: ${Math.round(submitMs)} ms; ${outcomes.length} submits cut by ${Math.ceil(ATTEMPTS / 2)} SIGKILLs: ` +
          `${landedCount} submitted whole, ${outcomes.length - landedCount} not submitted at all ` +
          `(${cutMidway} of them cut inside the transaction after inserting their findings, rolled back); ` +
          `(ms from request to kill → outcome, status if the reply came first) ${outcomes
            .map((o) => `${o.delay}→${o.landed ? 'submitted' : 'none'}${o.replied > 0 ? `(${o.replied})` : ''}`)
            .join(', ')}`,
      );
      expect(outcomes).toHaveLength(ATTEMPTS);
      expect(Number.isInteger(cutMidway)).toBe(true); // whole submits only: never a part of one's findings drawn

      // a restarted service submits the ones that did not land, and the audit trail is intact
      app = await start();
      for (let a = 1; a <= ATTEMPTS; a++) {
        if (outcomes[a - 1].landed) continue;
        const res = expectOk(await call(app.base, 'POST', `/api/v1/inspections/${inspections[a]}/submit`, heads[a].token, {}));
        expect(res.findingsCreated).toBe(FAILED_ITEMS);
      }
      for (const id of inspections) expect(await stateOf(id)).toMatchObject(ALL);
      const verify = expectOk(await call(app.base, 'GET', '/api/v1/audit/verify', admin.token));
      expect(verify).toMatchObject({ ok: true, firstBadSeq: null });
      await stopService(app.service);
      running.delete(app.service);
    },
    120_000 + ATTEMPTS * 10_000,
  );
});
