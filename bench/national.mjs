// npm run bench -- --national [--quick] [--answers-percent N]
// The whole country (issue #21): all 31 provinces seeded set-based into the embedded PostgreSQL, then
// the national and a province summary, the national PDF, a national self-check round and the deadlines
// job over 10 M findings, each over HTTP against the service process and next to its bare SQL in the
// same run. --quick runs a tenth of the size. Writes bench/results.json and the National table of
// docs/performance.md (a full run only).
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { resultsTable, writePerformanceDoc } from './report.mjs';
import { addHeads, bareDeadlines, resetDeadlines } from './lib/deadlines-baseline.mjs';
import { addFindings } from './lib/seed.mjs';
import { NATIONAL_TYPES, seedNation } from './lib/national-seed.mjs';
import { inProcessApp, login, median, pool, rm, serviceProcess, startDatabase, tempDir, timed, ADMIN_PASSWORD } from './lib/stack.mjs';

const quick = process.argv.includes('--quick');
const scale = quick ? 0.1 : 1;
const INSTITUTIONS = Math.round(450_000 * scale);
const DEADLINE_FINDINGS = Math.round(10_000_000 * scale);
// answers for every inspection by default; --answers-percent N answers a sample (by a hash of the id) where they do not fit
const answersArg = process.argv.indexOf('--answers-percent');
const ANSWERS_PERCENT = answersArg > 0 ? Number(process.argv[answersArg + 1]) : 100;
const PROVINCE = '520000'; // 贵州, the province of the province bench
const NATION = '000000';
const MONTH = '2026-06';
const dist = (path) => import(new URL(`../dist/src/${path}`, import.meta.url).href);

const results = [];
const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const log = (m) => console.log(`  · ${m}`);
/**
 * One row as bench/run.mjs writes them. on: 'value' judges the target on the measured value (an absolute
 * target: the bare baseline is shown for comparison), 'ratio' on value ÷ baseline; target null: information.
 */
function record(scenario, value, unit, baseline, target, on = 'value') {
  const ratio = baseline === null ? null : value / baseline;
  const pass = target === null ? null : (on === 'ratio' ? ratio : value) <= target;
  results.push({
    suite: 'national',
    scenario,
    value: round(value),
    unit,
    baseline: baseline === null ? null : round(baseline),
    ratio: ratio === null ? null : round(ratio, 2),
    target,
    targetOn: target === null ? null : on,
    pass,
  });
  const mark = pass === null ? 'info' : pass ? 'ok  ' : 'MISS';
  const goal = target === null ? '' : ` target ${on === 'ratio' ? 'ratio ' : ''}≤ ${target}`;
  console.log(
    `  ${mark} ${scenario}: ${round(value)} ${unit}${baseline === null ? '' : ` vs ${round(baseline)} (ratio ${round(ratio, 2)})`}${goal}`,
  );
}
const save = () => writeFile(new URL('./results.json', import.meta.url), JSON.stringify(results, null, 2) + '\n');
/** Runs one scenario; a failure is a row of its own (and the next scenario still runs); results are saved after each. */
async function scenario(name, fn) {
  try {
    await fn();
  } catch (error) {
    console.error(`  FAIL ${name}: ${error.stack ?? error}`);
    results.push({
      suite: 'national',
      scenario: `${name}: failed (${String(error.message ?? error).slice(0, 160)})`,
      value: null,
      unit: '',
      baseline: null,
      ratio: null,
      target: null,
      targetOn: null,
      pass: false,
    });
  }
  await save();
}
/** The log-log slope between two sizes: 1 is linear. */
const exponent = (a, b) => Math.log(b.ms / a.ms) / Math.log(b.size / a.size);
const medianOf = async (n, fn) => {
  const times = [];
  for (let i = 0; i < n; i++) times.push((await timed(fn)).ms);
  return median(times);
};

const started = performance.now();
const dir = await tempDir('paicha-bench-national');
const database = await startDatabase(dir);
const db = pool(database.url, 6);
let service;
let app;
try {
  console.log(`Paicha national benchmark${quick ? ' (quick: a tenth of the size)' : ''}`);
  app = await inProcessApp(database.url);
  const seeded = await timed(() => seedNation(app, db, { institutions: INSTITUTIONS, answersPercent: ANSWERS_PERCENT, log }));
  log(`the country seeded in ${(seeded.ms / 1000).toFixed(0)} s`);
  const { rows: counts } = await db.query(
    `SELECT (SELECT count(*) FROM regions)::int AS regions, (SELECT count(*) FROM institutions)::int AS institutions,
            (SELECT count(*) FROM inspections)::int AS inspections, (SELECT count(*) FROM answers)::int AS answers,
            (SELECT count(*) FROM findings)::int AS findings,
            (SELECT count(*) FROM institutions WHERE left(region_code, 2) = $1)::int AS province_institutions,
            (SELECT count(*) FROM findings WHERE left(region_code, 2) = $1)::int AS province_findings,
            pg_size_pretty(pg_database_size(current_database())) AS size`,
    [PROVINCE.slice(0, 2)],
  );
  const seed = counts[0];
  log(`seeded: ${JSON.stringify(seed)}`);
  log(`institutions by province: ${seeded.result.provinces.map((p) => `${p.name} ${p.institutions} (${p.counties} counties)`).join(', ')}`);

  service = await serviceProcess({ DATABASE_URL: database.url });
  const admin = await login(service.base, 'admin', ADMIN_PASSWORD);
  const bureau = await login(service.base, `bench-bureau-${PROVINCE.slice(0, 2)}`, 'bench-password-2');
  // node:http without timeouts: the deadlines job over 10 M findings answers after minutes (fetch stops waiting at 300 s)
  const http = (method, path, token, body) =>
    new Promise((resolve, reject) => {
      const req = request(
        `${service.base}/api/v1${path}`,
        { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const buffer = Buffer.concat(chunks);
            if (res.statusCode >= 300) reject(new Error(`${method} ${path} → ${res.statusCode} ${buffer.toString().slice(0, 500)}`));
            else resolve(res.headers['content-type']?.includes('json') ? JSON.parse(buffer.toString()) : buffer);
          });
        },
      );
      req.on('error', reject);
      req.end(body && JSON.stringify(body));
    });
  const { ReportsRepository } = await dist('reports/reports.repository.js');
  const { ReportsRecount } = await dist('reports/reports-recount.js');
  const { LABELS } = await dist('reports/monthly-report.js');
  const repository = app.get(ReportsRepository);
  const recount = app.get(ReportsRecount);
  // the service's four statements (the findings from the roll-ups) straight through the pool; or the full recount
  const bareSummary = (code, path, depth, from = repository) => {
    const window = { monthStart: `${MONTH}-01`, timeZone: 'Asia/Shanghai', regionPath: path };
    return Promise.all([
      from.summary(window),
      from.byChildRegion(window, code, depth),
      from.byType(window),
      from.bySection(window, LABELS.adHocSection),
    ]);
  };
  const pts = {}; // the growth points each scenario leaves

  await scenario('monthly summaries', async () => {
    // 1. the monthly summary of the nation and of one province, next to the repository's four statements in parallel
    console.log('1. monthly summaries');
    const summaries = (pts.summaries = {});
    for (const [who, code, path, depth, token] of [
      ['national', NATION, '/', 0, admin],
      ['province', PROVINCE, `/${PROVINCE}/`, 1, bureau],
    ]) {
      await http('GET', `/reports/summary?regionCode=${code}&month=${MONTH}`, token); // warm-up
      const bare = await medianOf(5, () => bareSummary(code, path, depth));
      const svc = await medianOf(5, () => http('GET', `/reports/summary?regionCode=${code}&month=${MONTH}`, token));
      // the same four parts counted from every row (what the service did before the roll-ups), and equal
      const full = await timed(() => bareSummary(code, path, depth, recount));
      const rolled = await bareSummary(code, path, depth);
      const equal = isDeepStrictEqual(rolled, full.result);
      log(`${who}: the roll-ups ${equal ? 'equal' : 'DIFFER FROM'} the full recount (${round(full.ms)} ms)`);
      if (!equal) throw new Error(`${who} summary: the roll-ups differ from the full recount`);
      summaries[who] = { bare, svc, recount: full.ms };
    }
    const nationalSummary = await http('GET', `/reports/summary?regionCode=${NATION}&month=${MONTH}`, admin);
    log(`national summary: ${JSON.stringify({ institutions: nationalSummary.institutions, findings: nationalSummary.findings })}`);
    record(
      `national monthly summary, ${seed.findings} findings (HTTP; bare SQL alongside)`,
      summaries.national.svc,
      'ms',
      summaries.national.bare,
      1000,
    );
    record(
      `province (贵州) monthly summary, ${seed.province_findings} findings (HTTP; bare SQL alongside)`,
      summaries.province.svc,
      'ms',
      summaries.province.bare,
      200,
    );
    record(
      'national summary counted from every row (the full recount the roll-ups equal; bare SQL)',
      summaries.national.recount,
      'ms',
      null,
      null,
    );
    record('province (贵州) summary counted from every row (the full recount; bare SQL)', summaries.province.recount, 'ms', null, null);
  });

  await scenario('national monthly PDF', async () => {
    // 2. the national monthly PDF in a fresh service process: its time and the process's peak RSS (VmHWM)
    console.log('2. national monthly PDF');
    await service.stop();
    service = await serviceProcess({ DATABASE_URL: database.url });
    const pdfAdmin = await login(service.base, 'admin', ADMIN_PASSWORD);
    const pdfBureau = await login(service.base, `bench-bureau-${PROVINCE.slice(0, 2)}`, 'bench-password-2');
    log(`service peak RSS before the PDF: ${round(await service.peakRssMiB())} MiB`);
    const pdf = (code, token) => () => http('GET', `/reports/monthly?regionCode=${code}&month=${MONTH}&format=pdf`, token);
    const bareReport = (code, path, depth) => async () => {
      const window = { monthStart: `${MONTH}-01`, timeZone: 'Asia/Shanghai', regionPath: path };
      await Promise.all([
        bareSummary(code, path, depth),
        repository.list(window, 'major', 1000),
        repository.list(window, 'overdue', 1000),
        repository.roundNames(window),
      ]);
    };
    const bytes = (await timed(pdf(NATION, pdfAdmin))).result.length;
    const nationalPdf = await medianOf(3, pdf(NATION, pdfAdmin));
    const peak = await service.peakRssMiB();
    const provincePdf = await medianOf(3, pdf(PROVINCE, pdfBureau));
    pts.pdf = { province: provincePdf, national: nationalPdf };
    const bareNationalPdf = await medianOf(3, bareReport(NATION, '/', 0));
    const bareProvincePdf = await medianOf(3, bareReport(PROVINCE, `/${PROVINCE}/`, 1));
    log(`national PDF ${bytes} bytes; province PDF ${round(provincePdf)} ms (its data by bare SQL ${round(bareProvincePdf)} ms)`);
    record('national monthly PDF (HTTP; bare SQL of its data alongside)', nationalPdf, 'ms', bareNationalPdf, 5000);
    record('service peak RSS (VmHWM) over the national PDFs', peak, 'MiB', null, 300);
  });

  await scenario('national self-check round', async () => {
    // 3. a national self-check round: one round per province (rounds belong to a region; the provinces are the
    //    roots), opened one after another over HTTP; each opening is one transaction over its province.
    //    Baseline: the same inspections by one bare INSERT … SELECT per province, then removed again.
    console.log('3. open a national self-check round');
    const templates = Object.fromEntries(NATIONAL_TYPES.map(([type]) => [type, `${type.replaceAll('_', '-')}-safety`]));
    const provinces = seeded.result.provinces;
    const selfRounds = [];
    for (const p of provinces)
      selfRounds.push(
        await http('POST', '/rounds', admin, {
          name: `2026年7月自查（${p.name}，基准）`,
          kind: 'self',
          regionCode: p.code,
          startsOn: '2026-07-01',
          endsOn: '2026-07-31',
          institutionTypes: Object.keys(templates),
          templates,
        }),
      );
    const { rows: pins } = await db.query(
      `SELECT DISTINCT ON (code) code, id, version FROM templates WHERE code = ANY($1) ORDER BY code, version DESC`,
      [Object.values(templates)],
    );
    const pinOf = Object.fromEntries(pins.map((t) => [t.code, t]));
    const types = Object.keys(templates);
    const bareOpen = await timed(async () => {
      for (const r of selfRounds)
        await db.query(
          `INSERT INTO inspections (round_id, institution_id, region_code, template_id, template_version, kind)
           SELECT $1, i.id, i.region_code, m.template_id, m.template_version, 'self'
           FROM institutions i JOIN unnest($2::varchar[], $3::uuid[], $4::int[]) AS m(type, template_id, template_version) ON m.type = i.type
           WHERE i.active AND i.region_code IN (SELECT code FROM regions WHERE path LIKE $5)`,
          [r.id, types, types.map((t) => pinOf[templates[t]].id), types.map((t) => pinOf[templates[t]].version), `/${r.regionCode}/%`],
        );
    });
    await db.query('DELETE FROM inspections WHERE round_id = ANY($1)', [selfRounds.map((r) => r.id)]);
    await db.query('VACUUM ANALYZE inspections');
    const opens = [];
    for (const r of selfRounds) {
      const o = await timed(() => http('POST', `/rounds/${r.id}/open`, admin, {}));
      opens.push({ code: r.regionCode, ms: o.ms, n: o.result.inspectionsCreated });
    }
    const openTotal = opens.reduce((s, o) => s + o.ms, 0);
    const created = opens.reduce((s, o) => s + o.n, 0);
    const longest = opens.reduce((a, b) => (b.ms > a.ms ? b : a));
    const provinceOpen = opens.find((o) => o.code === PROVINCE);
    pts.open = { provinceOpen, openTotal, created };
    record(
      `open a national self-check round: ${created} inspections, 31 province transactions (bare INSERTs alongside)`,
      openTotal,
      'ms',
      bareOpen.ms,
      30_000,
    );
    record(`longest single opening transaction (${longest.code}, ${longest.n} inspections)`, longest.ms, 'ms', null, null);
  });

  await scenario('deadlines job', async () => {
    // 4. the deadlines job (HTTP) next to its bare UPDATE + INSERT of the overdue notices, as in bench/run.mjs:
    //    at the seeded findings, then at 10 M
    console.log('4. deadlines job');
    await addHeads(db);
    const deadlines = async (size) => {
      await resetDeadlines(db);
      const bare = await timed(() => bareDeadlines(db));
      await resetDeadlines(db);
      const job = await timed(() => http('POST', '/jobs/deadlines/run', admin, { asOf: '2026-07-01' }));
      log(`${size} findings: job ${round(job.ms)} ms ${JSON.stringify(job.result)}; bare ${round(bare.ms)} ms`);
      return { size, ms: job.ms, bare: bare.ms };
    };
    const atSeed = await deadlines(seed.findings);
    record(`deadlines job over ${seed.findings} findings (ratio to bare UPDATE + INSERT)`, atSeed.ms, 'ms', atSeed.bare, 1.5, 'ratio');
    pts.deadlines = { atSeed };
    const t = performance.now();
    await addFindings(db, DEADLINE_FINDINGS - seed.findings, { month: MONTH });
    log(`findings added up to ${DEADLINE_FINDINGS} in ${round((performance.now() - t) / 1000)} s`);
    const atFull = await deadlines(DEADLINE_FINDINGS);
    pts.deadlines.atFull = atFull;
    record(`deadlines job over ${DEADLINE_FINDINGS} findings (ratio to bare UPDATE + INSERT)`, atFull.ms, 'ms', atFull.bare, 1.5, 'ratio');
  });

  // 5. growth from the province to the nation (log-log slope over the two sizes), where both ends were measured
  const grow = (name, a, b) => record(`growth exponent: ${name}`, exponent(a, b), '', null, null);
  const { summaries: sm, pdf: pd, open: op, deadlines: dl } = pts;
  if (sm?.national && sm?.province)
    grow(
      `summary, 贵州 → nation (${seed.province_findings} → ${seed.findings} findings)`,
      { size: seed.province_findings, ms: sm.province.svc },
      { size: seed.findings, ms: sm.national.svc },
    );
  if (pd)
    grow(
      'monthly PDF, 贵州 → nation (findings)',
      { size: seed.province_findings, ms: pd.province },
      { size: seed.findings, ms: pd.national },
    );
  if (op)
    grow(
      `open, 贵州 → nation (${op.provinceOpen.n} → ${op.created} inspections)`,
      { size: op.provinceOpen.n, ms: op.provinceOpen.ms },
      { size: op.created, ms: op.openTotal },
    );
  if (dl?.atFull) grow(`deadlines job (${dl.atSeed.size} → ${dl.atFull.size} findings)`, dl.atSeed, dl.atFull);
  const size = (await db.query(`SELECT pg_size_pretty(pg_database_size(current_database())) AS s`)).rows[0].s;
  log(`database size at the end: ${size}`);
} finally {
  await service?.stop();
  await app?.close();
  await db.end();
  await database.stop();
  await rm(dir, { recursive: true, force: true });
}

await save();
if (!quick) await writePerformanceDoc(results, { quick, national: true });
console.log(resultsTable(results, { quick, national: true }));
console.log(
  `\nbench/results.json written; ${results.filter((r) => r.pass).length}/${results.filter((r) => r.pass !== null).length} targets met; ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
