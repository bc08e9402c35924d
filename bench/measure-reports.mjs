// Interim measurement of the reports until the benchmark harness lands, on a
// province-sized dataset (20,000 institutions, 100,000 findings in one month):
// the summary next to its bare aggregate SQL, the monthly PDF's time and the
// process's peak RSS while it renders.
//   npm run build && node bench/measure-reports.mjs
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';

const { AppModule } = await import('../dist/src/app.module.js');
const { loadConfig } = await import('../dist/src/config/config.js');
const { openDatabase } = await import('../dist/src/database/embedded-database.js');
const { ReportsService } = await import('../dist/src/reports/reports.service.js');
const { ReportsRepository } = await import('../dist/src/reports/reports.repository.js');
const { RegionsService } = await import('../dist/src/regions/regions.service.js');

const INSTITUTIONS = 20_000;
const FINDINGS = 100_000;
const RUNS = 5;

const dir = await mkdtemp(join(tmpdir(), 'paicha-bench-'));
await chmod(dir, 0o755);
const db = await openDatabase(undefined, dir, () => undefined);
const config = { ...loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'warn', SEED_DEMO: 'false', ADMIN_PASSWORD: 'bench-password-1' }), jwtSecret: 'bench-secret-0123456789-0123456789-abc' };
const app = await NestFactory.create(AppModule.forRoot({ config, databaseUrl: db.url }), { bodyParser: false, bufferLogs: true, logger: ['warn', 'error'] });
await app.init();
const pool = new pg.Pool({ connectionString: db.url, max: 4 });
const q = (sql, params) => pool.query(sql, params);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  await app.get(RegionsService).importNational({ id: null }, ['520000']);
  await q(`INSERT INTO institutions (name, type, region_code)
           SELECT '机构' || g, (ARRAY['elderly_care','elderly_care','community_elderly','child_welfare','relief_station','funeral'])[1 + g % 6],
                  codes[1 + g % array_length(codes, 1)]
           FROM generate_series(1, $1) g,
                (SELECT array_agg(code ORDER BY code) AS codes FROM regions WHERE level IN ('county', 'township') AND path LIKE '/520000/%') c`, [INSTITUTIONS]);
  await q(`INSERT INTO findings (institution_id, region_code, title, severity, status, found_on, deadline, supervised, created_at, closed_at, section_title)
           SELECT i.ids[1 + g % $2], i.regs[1 + g % $2], '隐患' || g, CASE WHEN g % 10 = 5 THEN 'major' ELSE 'general' END,
                  CASE WHEN g % 10 < 4 THEN 'closed' WHEN g % 10 = 4 THEN 'pending_verification' ELSE 'open' END,
                  DATE '2026-06-01' + g % 30, DATE '2026-06-10' + g % 40, g % 10 = 5,
                  TIMESTAMPTZ '2026-06-01 08:00+08' + (g % 30) * interval '1 day',
                  CASE WHEN g % 10 < 4 THEN TIMESTAMPTZ '2026-06-05 08:00+08' + (g % 40) * interval '1 day' END,
                  (ARRAY['疏散通道与安全出口','消防设施器材','用火用电用气','建筑安全','日常安全管理','服务安全'])[1 + g % 6]
           FROM generate_series(1, $1) g,
                (SELECT array_agg(id ORDER BY id) AS ids, array_agg(region_code ORDER BY id) AS regs FROM institutions) i`, [FINDINGS, INSTITUTIONS]);
  await q('VACUUM ANALYZE');
  const actor = { id: '00000000-0000-4000-8000-000000000000', username: 'bench', role: 'admin', regionCode: null, regionPath: null, institutionId: null };
  const reports = app.get(ReportsService);
  const repository = app.get(ReportsRepository);
  const window = { monthStart: '2026-06-01', timeZone: 'Asia/Shanghai', regionPath: '/520000/' };

  // the baseline: the four aggregate statements of the repository, one after the other, without the service around them
  const bare = [];
  const service = [];
  const bareParallel = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await repository.summary(window);
    await repository.byChildRegion(window, '520000', 1);
    await repository.byType(window);
    await repository.bySection(window, '临时检查发现');
    bare.push(performance.now() - t0);
    const tp = performance.now();
    await Promise.all([
      repository.summary(window),
      repository.byChildRegion(window, '520000', 1),
      repository.byType(window),
      repository.bySection(window, '临时检查发现'),
    ]);
    bareParallel.push(performance.now() - tp);
    const t1 = performance.now();
    const summary = await reports.summary(actor, '520000', '2026-06');
    service.push(performance.now() - t1);
    if (i === 0) console.log(`summary: found ${summary.findings.found}, closed ${summary.findings.closed}, open ${summary.findings.open}, overdue ${summary.findings.overdue}, ${summary.byChildRegion.length} child regions`);
  }
  console.log(
    `summary (service): median ${median(service).toFixed(0)} ms; bare aggregate SQL: ${median(bare).toFixed(0)} ms one after the other, ` +
      `${median(bareParallel).toFixed(0)} ms in parallel; ratio to the parallel SQL ${(median(service) / median(bareParallel)).toFixed(2)}`,
  );

  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const pdfTimes = [];
  let bytes = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const file = await reports.monthly(actor, '520000', '2026-06', 'pdf');
    bytes = 0;
    await file.write(new Writable({ write(chunk, _e, done) { bytes += chunk.length; done(); } }));
    pdfTimes.push(performance.now() - t0);
  }
  clearInterval(sampler);
  console.log(`monthly PDF: ${pdfTimes.map((t) => t.toFixed(0)).join(', ')} ms (${(bytes / 1024).toFixed(0)} KiB); peak RSS ${(peak / 1024 / 1024).toFixed(0)} MiB`);
} finally {
  await pool.end();
  await app.close();
  await db.embedded?.stop();
  await rm(dir, { recursive: true, force: true });
}
