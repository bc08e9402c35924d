// Interim measurement of the deadlines job until the benchmark harness lands:
// the job over N findings (default 1,000,000) next to one bare set-based
// UPDATE that marks the same rows overdue.
//   npm run build && node bench/measure-deadlines.mjs [--findings 1000000]
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
const { DeadlinesService } = await import('../dist/src/deadlines/deadlines.service.js');

const arg = process.argv.indexOf('--findings');
const FINDINGS = arg > 0 ? Number(process.argv[arg + 1]) : 1_000_000;
const INSTITUTIONS = 20_000;
const AS_OF = '2026-07-01';

const dir = await mkdtemp(join(tmpdir(), 'paicha-bench-'));
await chmod(dir, 0o755);
const db = await openDatabase(undefined, dir, () => undefined);
const config = { ...loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'warn', SEED_DEMO: 'false', ADMIN_PASSWORD: 'bench-password-1' }), jwtSecret: 'bench-secret-0123456789-0123456789-abc' };
const app = await NestFactory.create(AppModule.forRoot({ config, databaseUrl: db.url }), { bodyParser: false, bufferLogs: true, logger: ['warn', 'error'] });
configureApp(app);
await app.init();
const pool = new pg.Pool({ connectionString: db.url, max: 2 });
const q = (sql, params) => pool.query(sql, params);
const time = async (fn) => {
  const started = performance.now();
  const result = await fn();
  return { ms: performance.now() - started, result };
};

try {
  await app.get(await import('../dist/src/regions/regions.service.js').then((m) => m.RegionsService)).importNational({ id: null }, ['520000']);
  console.log('seeding…');
  await q(`INSERT INTO institutions (name, type, region_code)
           SELECT '养老院' || g, 'elderly_care', codes[1 + g % array_length(codes, 1)]
           FROM generate_series(1, $1) g,
                (SELECT array_agg(code ORDER BY code) AS codes FROM regions WHERE level = 'county' AND path LIKE '/520000/%') c`, [INSTITUTIONS]);
  // one head per institution, one bureau per county and city
  await q(`INSERT INTO users (username, password_hash, display_name, role, institution_id)
           SELECT 'head-' || row_number() OVER (), 'x', '院长', 'institution_head', id FROM institutions`);
  await q(`INSERT INTO users (username, password_hash, display_name, role, region_code)
           SELECT 'bureau-' || code, 'x', '民政局', 'bureau', code FROM regions WHERE level IN ('county', 'city') AND path LIKE '/520000/%'`);
  await q(`INSERT INTO findings (institution_id, region_code, title, severity, status, found_on, deadline, supervised, closed_at)
           SELECT i.ids[1 + g % $2], i.regs[1 + g % $2], '隐患' || g, CASE WHEN g % 10 = 5 THEN 'major' ELSE 'general' END,
                  CASE WHEN g % 10 < 3 THEN 'closed' WHEN g % 10 = 3 THEN 'pending_verification' ELSE 'open' END,
                  DATE '2026-06-01', DATE '2026-06-01' + (g % 61), g % 10 = 5,
                  CASE WHEN g % 10 < 3 THEN now() END
           FROM generate_series(1, $1) g,
                (SELECT array_agg(id ORDER BY id) AS ids, array_agg(region_code ORDER BY id) AS regs FROM institutions) i`, [FINDINGS, INSTITUTIONS]);
  await q('VACUUM ANALYZE');
  const { rows } = await q(`SELECT count(*)::int AS n FROM findings WHERE status <> 'closed' AND deadline < $1`, [AS_OF]);
  console.log(`${FINDINGS} findings, ${rows[0].n} past their deadline as of ${AS_OF}`);

  const bare = await time(() =>
    q(`UPDATE findings SET overdue = true, overdue_since = deadline + 1
       WHERE status IN ('open', 'pending_verification') AND NOT overdue AND deadline < $1::date`, [AS_OF]),
  );
  console.log(`bare UPDATE: ${bare.ms.toFixed(0)} ms (${bare.result.rowCount} rows)`);
  await q('UPDATE findings SET overdue = false, overdue_since = NULL WHERE overdue');
  await q('VACUUM ANALYZE findings');

  const job = await time(() => app.get(DeadlinesService).run({ asOf: AS_OF, slot: 'bench', actorId: null }));
  console.log(`deadlines job: ${job.ms.toFixed(0)} ms ${JSON.stringify(job.result)}  → ratio ${(job.ms / bare.ms).toFixed(2)}`);
  const again = await time(() => app.get(DeadlinesService).run({ asOf: AS_OF, slot: 'bench-2', actorId: null }));
  console.log(`deadlines job re-run of the same day: ${again.ms.toFixed(0)} ms ${JSON.stringify(again.result)}`);
} finally {
  await pool.end();
  await app.close();
  await db.embedded?.stop();
  await rm(dir, { recursive: true, force: true });
}
