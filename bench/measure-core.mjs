// Interim measurement of the core loop until the benchmark harness lands:
// opening a round over N institutions (set-based fan-out) and the latency of
// a 62-item answer batch. Runs the built service in-process on an embedded
// PostgreSQL in a temp folder:   npm run build && node bench/measure-core.mjs [--institutions 20000]
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const { AppModule } = await import('../dist/src/app.module.js');
const { configureApp } = await import('../dist/src/app.setup.js');
const { loadConfig } = await import('../dist/src/config/config.js');
const { openDatabase } = await import('../dist/src/database/embedded-database.js');

const argIndex = process.argv.indexOf('--institutions');
const INSTITUTIONS = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 20_000;
const BATCHES = 50;

const dir = await mkdtemp(join(tmpdir(), 'paicha-bench-'));
await chmod(dir, 0o755);
const db = await openDatabase(undefined, dir, () => undefined);
const config = { ...loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'warn', SEED_DEMO: 'false', ADMIN_PASSWORD: 'bench-password-1' }), jwtSecret: 'bench-secret-0123456789-0123456789-abc' };
const app = await NestFactory.create(AppModule.forRoot({ config, databaseUrl: db.url }), { bodyParser: false, bufferLogs: true, logger: ['warn', 'error'] });
configureApp(app);
await app.listen(0, '127.0.0.1');
const base = `http://127.0.0.1:${app.getHttpServer().address().port}/api/v1`;
const pool = new pg.Pool({ connectionString: db.url, max: 2 });

async function call(method, path, token, body) {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

try {
  const admin = (await call('POST', '/auth/login', undefined, { username: 'admin', password: 'bench-password-1' })).accessToken;
  await call('POST', '/regions/import', admin, { source: 'national', provinceCodes: ['520000'] });
  // institutions spread over the counties and townships of 贵州
  await pool.query(
    `INSERT INTO institutions (name, type, region_code)
     SELECT '养老院' || g, 'elderly_care', codes[1 + g % array_length(codes, 1)]
     FROM generate_series(1, $1) g,
          (SELECT array_agg(code ORDER BY code) AS codes FROM regions WHERE path LIKE '/520000/%' AND level IN ('county', 'township')) c`,
    [INSTITUTIONS],
  );
  await pool.query('ANALYZE');
  const round = (name) => ({
    name,
    kind: 'supervisory',
    regionCode: '520000',
    startsOn: '2026-06-01',
    endsOn: '2026-06-30',
    institutionTypes: ['elderly_care'],
    templates: { elderly_care: 'elderly-care-safety' },
  });
  const opens = [];
  for (const name of ['测量一', '测量二', '测量三']) {
    const { id } = await call('POST', '/rounds', admin, round(name));
    const started = performance.now();
    const { inspectionsCreated } = await call('POST', `/rounds/${id}/open`, admin, {});
    opens.push({ ms: performance.now() - started, inspectionsCreated });
  }
  console.log(`open a round over ${INSTITUTIONS} institutions: ${opens.map((o) => `${o.ms.toFixed(0)} ms (${o.inspectionsCreated})`).join(', ')}`);

  await call('POST', '/users', admin, { username: 'bench-inspector', password: 'bench-password-2', displayName: '测', role: 'inspector', regionCode: '520000' });
  const inspector = (await call('POST', '/auth/login', undefined, { username: 'bench-inspector', password: 'bench-password-2' })).accessToken;
  const { items } = await call('GET', '/inspections?pageSize=1', inspector);
  const detail = await call('GET', `/inspections/${items[0].id}`, inspector);
  const all = detail.template.sections.flatMap((s) => s.items);
  const batch = all.slice(0, 62).map((i) => ({
    itemCode: i.code,
    result: 'pass',
    note: '现场检查无异常',
    ...(i.responseType === 'number' ? { value: 2 } : i.responseType === 'text' ? { value: '正常' } : {}),
  }));
  const latencies = [];
  for (let n = 0; n < BATCHES; n++) {
    const started = performance.now();
    await call('PUT', `/inspections/${items[0].id}/answers`, inspector, { answers: batch });
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
  console.log(`62-item answer batch, ${BATCHES} sequential PUTs: median ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${q(1)} ms`);
} finally {
  await pool.end();
  await app.close();
  await db.embedded?.stop();
  await rm(dir, { recursive: true, force: true });
}
