// npm run bench:draw [-- --quick]
// 双随机 for a province: 20,000 institutions (the type mix of DOMAIN.md over Guizhou's real
// counties and townships), 500 inspectors (county, city and province level), ratio 0.05,
// stratified by type × county. Times (1) the pure paicha-draw-v1 function in-process,
// (2) the whole service step in-process (queries, draw, storing the snapshot, audit, one transaction)
// and (3) POST /api/v1/rounds/:id/draw over HTTP. Prints the figures and writes bench/draw-results.json.
import { writeFile } from 'node:fs/promises';
import { adminActor } from './lib/seed.mjs';
import { ADMIN_PASSWORD, inProcessApp, median, pool, rm, startDatabase, tempDir, timed } from './lib/stack.mjs';

const quick = process.argv.includes('--quick');
const INSTITUTIONS = quick ? 2_000 : 20_000;
const INSPECTORS = 500;
const RUNS = quick ? 3 : 5;
const dist = (path) => import(new URL(`../dist/src/${path}`, import.meta.url).href);
const { runDraw, DRAW_ALGORITHM } = await dist('draws/draw-algorithm.js');
const { DrawsService } = await dist('draws/draws.service.js');
const { DrawsRepository } = await dist('draws/draws.repository.js');
const { RegionsService } = await dist('regions/regions.service.js');
const { RoundsService } = await dist('rounds/rounds.service.js');

const TYPES = [
  ['community_elderly', 55],
  ['elderly_care', 30],
  ['funeral', 5],
  ['child_welfare', 3],
  ['relief_station', 3],
  ['mental_health', 2],
  ['minor_protection', 2],
];
const TEMPLATES = {
  elderly_care: 'elderly-care-safety',
  community_elderly: 'community-elderly-safety',
  funeral: 'funeral-safety',
  child_welfare: 'child-welfare-safety',
  relief_station: 'relief-station-safety',
  mental_health: 'mental-health-safety',
  minor_protection: 'minor-protection-safety',
};
const PARAMETERS = { ratio: 0.05, stratifyBy: ['type', 'county'], inspectorsPerInspection: 2 };

const dir = await tempDir('paicha-bench-draw');
const database = await startDatabase(dir);
const db = pool(database.url, 4);
let app;
try {
  console.log(
    `Paicha draw benchmark${quick ? ' (quick)' : ''}: ${INSTITUTIONS} institutions, ${INSPECTORS} inspectors, ratio 0.05, type × county`,
  );
  app = await inProcessApp(database.url);
  const admin = await adminActor(app, db);
  await app.get(RegionsService).importNational(admin, ['520000']);
  const shares = TYPES.map(([, s]) => s);
  await db.query(
    `INSERT INTO institutions (name, type, region_code)
     SELECT '机构' || g,
            (SELECT t FROM unnest($2::text[], $3::int[]) WITH ORDINALITY AS m(t, cum, n) WHERE (g * 37) % 100 < cum ORDER BY n LIMIT 1),
            codes[1 + (g * 7919) % array_length(codes, 1)]
     FROM generate_series(1, $1) g,
          (SELECT array_agg(code ORDER BY code) AS codes FROM regions
           WHERE level IN ('county', 'township') AND path LIKE '/520000/%') c`,
    [INSTITUTIONS, TYPES.map(([t]) => t), shares.map((_, i) => shares.slice(0, i + 1).reduce((a, b) => a + b, 0))],
  );
  // 90 % of the inspectors at county level (spread over the counties), 8 % at city level, 2 % at the province
  await db.query(
    `WITH levels AS (
       SELECT 'county' AS level, round($1 * 0.90)::int AS n
       UNION ALL SELECT 'city', round($1 * 0.08)::int
       UNION ALL SELECT 'province', $1 - round($1 * 0.90)::int - round($1 * 0.08)::int
     ),
     codes AS (SELECT level, array_agg(code ORDER BY code) AS list FROM regions WHERE path LIKE '/520000/%' GROUP BY level)
     INSERT INTO users (username, password_hash, display_name, role, region_code)
     SELECT 'bench-draw-' || l.level || '-' || g, 'unusable', '检查员' || g, 'inspector', c.list[1 + g % cardinality(c.list)]
     FROM levels l JOIN codes c ON c.level = l.level, generate_series(1, l.n) g`,
    [INSPECTORS],
  );
  const counties = (await db.query(`SELECT count(DISTINCT left(region_code, 6))::int AS n FROM institutions`)).rows[0].n;
  console.log(`  · seeded: ${INSTITUTIONS} institutions in ${counties} counties, ${INSPECTORS} inspectors`);

  const rounds = app.get(RoundsService);
  const round = await rounds.create(admin, {
    name: '2026年双随机抽查（基准）',
    kind: 'supervisory',
    regionCode: '520000',
    startsOn: '2026-06-01',
    endsOn: '2026-06-30',
    institutionTypes: Object.keys(TEMPLATES),
    templates: TEMPLATES,
  });

  // 1. the pure function on the same population and pool as the service reads them
  const repo = app.get(DrawsRepository);
  const roundRow = await repo.round(admin, round.id, 'read');
  const input = {
    algorithm: DRAW_ALGORITHM,
    seed: 'bench-seed-2026',
    parameters: { ratio: 0.05, count: null, stratifyBy: ['type', 'county'], minPerStratum: 0, inspectorsPerInspection: 2 },
    population: await repo.population(roundRow),
    pool: await repo.pool(roundRow),
    recusals: [],
  };
  const pure = [];
  let result;
  for (let i = 0; i < RUNS; i++) {
    const t = await timed(async () => runDraw(input));
    pure.push(t.ms);
    result = t.result;
  }
  const loads = new Map();
  for (const s of result.selected) for (const id of s.inspectorIds) loads.set(id, (loads.get(id) ?? 0) + 1);
  const shape = `${result.selected.length} selected in ${result.strata.length} strata; understaffed ${result.understaffed.length}`;
  console.log(`  info pure paicha-draw-v1: median ${median(pure).toFixed(0)} ms (${shape}; max load ${Math.max(...loads.values())})`);

  // 2. the service step in-process (queries + draw + storing + audit, one transaction)
  const draws = app.get(DrawsService);
  const service = [];
  for (let i = 0; i < RUNS; i++) service.push((await timed(() => draws.draw(admin, round.id, { ...PARAMETERS, seed: `bench-${i}` }))).ms);
  console.log(`  info DrawsService.draw in-process: median ${median(service).toFixed(0)} ms`);

  // 3. over HTTP
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const token = (await login.json()).accessToken;
  const http = [];
  for (let i = 0; i < RUNS; i++) {
    const t = await timed(async () => {
      const res = await fetch(`${base}/api/v1/rounds/${round.id}/draw`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ ...PARAMETERS, seed: `http-${i}` }),
      });
      if (res.status !== 201) throw new Error(`draw → ${res.status} ${await res.text()}`);
      return res.json();
    });
    http.push(t.ms);
  }
  console.log(`  info POST /rounds/:id/draw over HTTP: median ${median(http).toFixed(0)} ms`);
  const results = {
    institutions: INSTITUTIONS,
    inspectors: INSPECTORS,
    counties,
    selected: result.selected.length,
    strata: result.strata.length,
    pureMs: median(pure),
    serviceMs: median(service),
    httpMs: median(http),
    runs: RUNS,
    at: new Date().toISOString(),
  };
  if (!quick) await writeFile(new URL('./draw-results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
} finally {
  await app?.close();
  await db.end();
  await database.stop();
  await rm(dir, { recursive: true, force: true });
}
