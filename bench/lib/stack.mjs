// The pieces every benchmark needs: an embedded PostgreSQL in a temp folder,
// the service booted in-process (for seeding through the real migrations and
// services) or as a separate process (for measuring), and a pg pool.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const dist = (path) => import(new URL(`../../dist/src/${path}`, import.meta.url).href);

export const JWT_SECRET = 'bench-secret-0123456789-0123456789-abcdef';
// one login serves a whole scenario (minutes of load): sessions as long as allowed, and no second factor to type
const BENCH_SESSIONS = { ACCESS_TOKEN_MINUTES: '720', SESSION_IDLE_MINUTES: '720', MFA_REQUIRED_ROLES: '' };
const KEYS = { DATA_KEY: 'bench-data-key-0123456789-0123456789-abcdef', AUDIT_KEY: 'bench-audit-key-0123456789-0123456789-abcde' };
export const ADMIN_PASSWORD = 'bench-password-1';

export async function tempDir(prefix) {
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  await chmod(dir, 0o755);
  return dir;
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** An embedded PostgreSQL (with fsync: a realistic server) and the URL of a fresh database on it. */
export async function startDatabase(dir) {
  const { openDatabase } = await dist('database/embedded-database.js');
  const db = await openDatabase(undefined, dir, () => undefined);
  return { url: db.url, stop: () => db.embedded?.stop() };
}

/** The service in this process: migrations, templates, admin; the Nest app to get services from. */
export async function inProcessApp(databaseUrl, env = {}) {
  const { AppModule } = await dist('app.module.js');
  const { configureApp } = await dist('app.setup.js');
  const { loadConfig } = await dist('config/config.js');
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    JWT_SECRET,
    ...KEYS,
    ADMIN_PASSWORD,
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    DEADLINES_CRON: '0 3 1 1 *',
    ...BENCH_SESSIONS,
    ...env,
  });
  const { withSecrets } = await dist('config/secrets.js');
  const app = await NestFactory.create(AppModule.forRoot({ config: await withSecrets(config), databaseUrl }), {
    bodyParser: false,
    bufferLogs: true,
    logger: ['error'],
  });
  configureApp(app);
  await app.init();
  return app;
}

/** The built service as its own process (`node dist/src/main.js`), as deployments run it. */
export async function serviceProcess(env) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    // each load client stands for many phones: the per-client request limit would measure the limiter, not the service
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME ?? '/tmp',
      JWT_SECRET,
      ...(env?.DATABASE_URL ? KEYS : {}),
      ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      RATE_LIMIT_PER_MINUTE: '0',
      PORT: String(port),
      ...BENCH_SESSIONS,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited: ${stderr}`);
    try {
      if ((await fetch(`${base}/health`)).status === 200) break;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const startMs = performance.now() - started;
  return {
    base,
    pid: child.pid,
    startMs,
    /** The process's peak resident memory so far (VmHWM), in MiB. */
    async peakRssMiB() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export function pool(url, max = 4) {
  const p = new pg.Pool({ connectionString: url, max });
  // an idle connection closed by the server must not take the benchmark down
  p.on('error', (error) => console.error(`  · idle database connection lost: ${error.message}`));
  return p;
}

export async function login(base, username, password) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status}`);
  return (await res.json()).accessToken;
}

export async function timed(fn) {
  const t0 = performance.now();
  const result = await fn();
  return { ms: performance.now() - t0, result };
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export { rm };
