import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { Factories, type FixtureUser } from './factories/world.js';
import { binary, pdfText } from './helpers/pdf.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

/**
 * A month with hand-computed answers (TZ Asia/Shanghai, June 2026):
 *   f1 A general  found 06-05, closed 06-10                   → found, closed
 *   f2 A major    found 06-30 23:30 CST (15:30Z), open, due 07-30 → found, open, not overdue
 *   f3 B general  found 07-01 00:30 CST (06-30 16:30Z)          → July: not in June at all
 *   f4 B general  found 06-12, closed 07-03, due 06-27          → found, open at month end, overdue
 *   f5 T major    found 05-20, open, due 06-04                  → not found in June, open, overdue
 *   f6 X (四川)                                                 → outside 贵州
 *   f7 A general  found 05-31 23:59 CST, closed 06-02            → May; closed before month end
 *   f8 A general  found 06-15, closed 06-30 23:59 CST            → found, closed
 * 贵州 June: found 4, major 1, closed 2, open 3 (f2 f4 f5), overdue 2 (f4 f5), rate 0.5.
 */
describe('reports', () => {
  let t: TestApp;
  let f: Factories;
  let admin: FixtureUser;
  let bureauGz: FixtureUser;
  let bureauCj: FixtureUser;
  let inspector: FixtureUser;
  const get = (u: FixtureUser, path: string) => request(t.http).get(path).set('Authorization', `Bearer ${u.token}`);

  beforeAll(async () => {
    t = await createTestApp();
    f = await Factories.for(t);
    await f.regions([
      ['520000', '贵州省', null],
      ['520100', '贵阳市', '520000'],
      ['522600', '黔东南苗族侗族自治州', '520000'],
      ['522633', '从江县', '522600'],
      ['522633101', '丙妹镇', '522633'],
      ['522631', '黎平县', '522600'],
      ['510000', '四川省', null],
      ['513300', '甘孜藏族自治州', '510000'],
      ['513336', '乡城县', '513300'],
    ]);
    const A = await f.institution({ regionCode: '522633', type: 'elderly_care', name: '从江县社会福利院' });
    const B = await f.institution({ regionCode: '522631', type: 'community_elderly', name: '黎平县幸福院' });
    const T = await f.institution({ regionCode: '522633101', type: 'elderly_care', name: '丙妹镇敬老院' });
    const X = await f.institution({ regionCode: '513336', type: 'elderly_care', name: '乡城县敬老院' });
    const off = await f.institution({ regionCode: '522631', type: 'elderly_care', name: '已停业' });
    await f.db.query('UPDATE institutions SET active = false WHERE id = $1', [off.id]);
    admin = await f.user({ role: 'admin' });
    bureauGz = await f.user({ role: 'bureau', regionCode: '520000' });
    bureauCj = await f.user({ role: 'bureau', regionCode: '522633' });
    inspector = await f.user({ role: 'inspector', regionCode: '520000' });

    const finding = (
      inst: { id: string; regionCode: string },
      o: { severity?: string; created: string; closed?: string; due: string; section?: string | null; title: string },
    ) =>
      f.db.query(
        `INSERT INTO findings (institution_id, region_code, title, severity, status, found_on, deadline, supervised, created_at, closed_at, section_title)
         VALUES ($1, $2, $3, $4::varchar, $5, ($6::timestamptz AT TIME ZONE 'Asia/Shanghai')::date, $7, $4::varchar = 'major', $6, $8, $9)`,
        [
          inst.id,
          inst.regionCode,
          o.title,
          o.severity ?? 'general',
          o.closed ? 'closed' : 'open',
          o.created,
          o.due,
          o.closed ?? null,
          o.section === undefined ? '疏散通道' : o.section,
        ],
      );
    await finding(A, { title: 'f1 通道堆物', created: '2026-06-05T02:00:00Z', closed: '2026-06-10T02:00:00Z', due: '2026-06-20' });
    await finding(A, { title: 'f2 安全出口上锁', severity: 'major', created: '2026-06-30T15:30:00Z', due: '2026-07-30' });
    await finding(B, { title: 'f3 七月发现', created: '2026-06-30T16:30:00Z', due: '2026-07-15' });
    await finding(B, {
      title: 'f4 临时发现电线老化',
      created: '2026-06-12T02:00:00Z',
      closed: '2026-07-03T02:00:00Z',
      due: '2026-06-27',
      section: null,
    });
    await finding(T, { title: 'f5 彩钢板建筑', severity: 'major', created: '2026-05-20T02:00:00Z', due: '2026-06-04' });
    await finding(X, { title: 'f6 四川隐患', created: '2026-06-10T02:00:00Z', due: '2026-06-25' });
    await finding(A, { title: 'f7 五月底发现', created: '2026-05-31T15:59:00Z', closed: '2026-06-02T02:00:00Z', due: '2026-06-15' });
    await finding(A, {
      title: 'f8 灭火器过期',
      created: '2026-06-15T02:00:00Z',
      closed: '2026-06-30T15:59:00Z',
      due: '2026-06-18',
      section: '消防设施器材',
    });

    // inspections: two submitted in June for A (one institution inspected), one in July, one missed by a round closed in June
    const template = (await f.db.query<{ id: string }>(`SELECT id FROM templates WHERE code = 'elderly-care-safety'`)).rows[0].id;
    const round = async (closedAt: string | null) =>
      (
        await f.db.query<{ id: string }>(
          `INSERT INTO rounds (name, kind, region_code, starts_on, ends_on, institution_types, templates, status, closed_at)
           VALUES ('2026年6月安全管理月督查', 'supervisory', '522600', '2026-06-01', '2026-06-30', '{elderly_care}', '{"elderly_care":"elderly-care-safety"}', $1, $2) RETURNING id`,
          [closedAt ? 'closed' : 'open', closedAt],
        )
      ).rows[0].id;
    const r1 = await round('2026-06-30T10:00:00Z');
    const r2 = await round(null);
    const r3 = await round(null);
    const inspection = (roundId: string, inst: { id: string; regionCode: string }, status: string, submittedAt: string | null) =>
      f.db.query(
        `INSERT INTO inspections (round_id, institution_id, region_code, template_id, template_version, kind, status, submitted_at)
         VALUES ($1, $2, $3, $4, 1, 'supervisory', $5, $6)`,
        [roundId, inst.id, inst.regionCode, template, status, submittedAt],
      );
    await inspection(r1, A, 'submitted', '2026-06-20T03:00:00Z');
    await inspection(r1, B, 'missed', null);
    await inspection(r1, T, 'pending', null);
    await inspection(r2, A, 'submitted', '2026-06-25T03:00:00Z');
    await inspection(r3, A, 'submitted', '2026-07-02T03:00:00Z');
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  it('sums the province month exactly', async () => {
    const res = await get(bureauGz, '/api/v1/reports/summary?regionCode=520000&month=2026-06');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      regionCode: '520000',
      regionName: '贵州省',
      month: '2026-06',
      institutions: { total: 3, inspected: 1 },
      inspections: { submitted: 2, missed: 1 },
      findings: { found: 4, major: 1, closed: 2, open: 3, overdue: 2 },
      rectificationRate: 0.5,
      byType: [
        { type: 'community_elderly', institutions: 1, found: 1, closed: 0 },
        { type: 'elderly_care', institutions: 2, found: 3, closed: 2 },
      ],
      byChildRegion: [
        { regionCode: '520100', regionName: '贵阳市', institutions: 0, found: 0, closed: 0, overdue: 0 },
        { regionCode: '522600', regionName: '黔东南苗族侗族自治州', institutions: 3, found: 4, closed: 2, overdue: 2 },
      ],
      bySection: [
        { sectionTitle: '疏散通道', found: 2 },
        { sectionTitle: '临时检查发现', found: 1 },
        { sectionTitle: '消防设施器材', found: 1 },
      ],
    });
  });

  it('sums the whole country for an admin (000000), provinces as its children, and is 404 to a bureau', async () => {
    const nation = (await get(admin, '/api/v1/reports/summary?regionCode=000000&month=2026-06')).body;
    const gz = (await get(admin, '/api/v1/reports/summary?regionCode=520000&month=2026-06')).body;
    const sc = (await get(admin, '/api/v1/reports/summary?regionCode=510000&month=2026-06')).body;
    expect(nation.regionCode).toBe('000000');
    expect(nation.regionName).toBe('全国');
    expect(nation.institutions).toEqual({ total: 4, inspected: 1 });
    expect(nation.findings).toEqual({ found: 5, major: 1, closed: 2, open: 4, overdue: 3 });
    for (const key of ['found', 'major', 'closed', 'open', 'overdue'])
      expect(nation.findings[key]).toBe(gz.findings[key] + sc.findings[key]);
    const row = (s: typeof gz) => ({
      regionCode: s.regionCode,
      regionName: s.regionName,
      institutions: s.institutions.total,
      found: s.findings.found,
      closed: s.findings.closed,
      overdue: s.findings.overdue,
    });
    expect(nation.byChildRegion).toEqual([row(sc), row(gz)]);
    expect((await get(bureauGz, '/api/v1/reports/summary?regionCode=000000&month=2026-06')).status).toBe(404);
    const pdf = await get(admin, '/api/v1/reports/monthly?regionCode=000000&month=2026-06&format=pdf').buffer(true).parse(binary);
    expect(pdf.status).toBe(200);
  });

  it('rolls each child region up over its whole subtree', async () => {
    const res = await get(bureauGz, '/api/v1/reports/summary?regionCode=522600&month=2026-06');
    expect(res.body.byChildRegion).toEqual([
      { regionCode: '522631', regionName: '黎平县', institutions: 1, found: 1, closed: 0, overdue: 1 },
      { regionCode: '522633', regionName: '从江县', institutions: 2, found: 3, closed: 2, overdue: 1 },
    ]);
  });

  it('answers a region without children and an empty month', async () => {
    const town = await get(admin, '/api/v1/reports/summary?regionCode=522633101&month=2026-06');
    expect(town.body).toMatchObject({
      institutions: { total: 1, inspected: 0 },
      inspections: { submitted: 0, missed: 0 },
      findings: { found: 0, major: 0, closed: 0, open: 1, overdue: 1 },
      rectificationRate: 0,
      byChildRegion: [],
      bySection: [],
    });
    const march = await get(admin, '/api/v1/reports/summary?regionCode=520000&month=2026-03');
    expect(march.body).toMatchObject({
      institutions: { total: 3, inspected: 0 },
      inspections: { submitted: 0, missed: 0 },
      findings: { found: 0, major: 0, closed: 0, open: 0, overdue: 0 },
      rectificationRate: 0,
      bySection: [],
    });
    const july = await get(admin, '/api/v1/reports/summary?regionCode=520000&month=2026-07');
    // f3 is July's; f2, f5 still open at the end of July and past due (f2 due 07-30), f4 closed 07-03
    expect(july.body.findings).toEqual({ found: 1, major: 0, closed: 0, open: 3, overdue: 3 });
    expect(july.body.inspections).toEqual({ submitted: 1, missed: 0 });
  });

  it('keeps a bureau to its subtree and others out', async () => {
    expect((await get(bureauCj, '/api/v1/reports/summary?month=2026-06')).body.regionCode).toBe('522633');
    expect((await get(bureauCj, '/api/v1/reports/summary?regionCode=522600&month=2026-06')).status).toBe(404);
    expect((await get(bureauGz, '/api/v1/reports/summary?regionCode=513300&month=2026-06')).status).toBe(404);
    expect((await get(bureauGz, '/api/v1/reports/summary?regionCode=999999&month=2026-06')).status).toBe(404);
    expect((await get(bureauGz, '/api/v1/reports/monthly?regionCode=513300&month=2026-06&format=pdf')).status).toBe(404);
    expect((await get(inspector, '/api/v1/reports/summary?regionCode=520000&month=2026-06')).status).toBe(403);
    expect((await get(bureauGz, '/api/v1/reports/summary?regionCode=520000&month=2027-13')).status).toBe(400);
    expect((await get(bureauGz, '/api/v1/reports/summary?regionCode=520000&month=2026-6')).status).toBe(400);
    expect((await get(bureauGz, '/api/v1/reports/summary?regionCode=520000&month=0000-01')).status).toBe(400);
    expect((await get(bureauGz, '/api/v1/reports/monthly?regionCode=520000&month=2026-06&format=doc')).status).toBe(400);
    expect((await get(admin, '/api/v1/reports/summary?month=2026-06')).status).toBe(400);
  });

  it('renders the monthly PDF in Chinese with the numbers, the major hazards and page numbers', async () => {
    const res = await get(bureauGz, '/api/v1/reports/monthly?regionCode=520000&month=2026-06&format=pdf').buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent('贵州省民政服务机构安全隐患排查整治月报（2026年6月）.pdf')}`,
    );
    const { text, pages } = pdfText(res.body as Buffer);
    if (process.env.PAICHA_KEEP_PDF) (await import('node:fs')).writeFileSync(process.env.PAICHA_KEEP_PDF, res.body as Buffer);
    expect(text).toContain('贵州省民政服务机构安全隐患排查整治月报（2026年6月）');
    expect(text).toMatch(/本月发现隐患\s+4/);
    expect(text).toMatch(/其中重大事故隐患\s+1/);
    expect(text).toMatch(/月末逾期未整改隐患\s+2/);
    expect(text).toMatch(/整改率\s+50\.0%/);
    expect(text).toContain('f2 安全出口上锁');
    expect(text).toContain('黔东南苗族侗族自治州');
    expect(text).toContain('图1');
    expect(text).toContain('填报单位');
    // pdftotext may drop the spaces between Chinese and digits
    expect(text).toMatch(new RegExp(`第\\s*1\\s*页\\s*/\\s*共\\s*${pages}\\s*页`));
    expect(text).toMatch(new RegExp(`第\\s*${pages}\\s*页\\s*/\\s*共\\s*${pages}\\s*页`));
  });

  it('paginates a 600-row major-hazard list with the right page count', async () => {
    const B = (await f.db.query<{ id: string }>(`SELECT id FROM institutions WHERE name = '黎平县幸福院'`)).rows[0].id;
    await f.db.query(
      `INSERT INTO findings (institution_id, region_code, title, severity, status, found_on, deadline, supervised, created_at)
       SELECT $1, '522631', '八月重大隐患第' || g || '处：消防设施不具备消防安全技术条件', 'major', 'open', '2026-08-10', DATE '2026-09-01' + g % 20, true, '2026-08-10T02:00:00Z'
       FROM generate_series(1, 600) g`,
      [B],
    );
    const res = await get(bureauGz, '/api/v1/reports/monthly?regionCode=520000&month=2026-08&format=pdf').buffer(true).parse(binary);
    const { text, pages } = pdfText(res.body as Buffer);
    expect(pages).toBeGreaterThan(10);
    expect(text).toContain('重大事故隐患清单（本月发现 600 处）');
    expect(text).toContain('八月重大隐患第600处');
    const numbers = [...text.matchAll(/第\s*(\d+)\s*页\s*\/\s*共\s*(\d+)\s*页/g)];
    expect(numbers).toHaveLength(pages);
    expect(numbers.every((m) => Number(m[2]) === pages)).toBe(true);
  });

  it('exports CSV with a BOM and XLSX with the five sheets', async () => {
    const csv = await get(bureauGz, '/api/v1/reports/monthly?regionCode=520000&month=2026-06&format=csv').buffer(true).parse(binary);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const bytes = csv.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain('本月发现隐患,4\r\n');
    expect(text).toContain('522600,黔东南苗族侗族自治州,3,4,2,2\r\n');
    expect(text).toContain('f2 安全出口上锁');

    const xlsx = await get(bureauGz, '/api/v1/reports/monthly?regionCode=520000&month=2026-06&format=xlsx').buffer(true).parse(binary);
    expect(xlsx.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as Parameters<typeof book.xlsx.load>[0]);
    expect(book.worksheets.map((s) => s.name)).toEqual(['汇总', '分地区', '分类型', '重大隐患', '逾期隐患']);
    const summary = book.getWorksheet('汇总')!;
    const values = Object.fromEntries(
      summary
        .getSheetValues()
        .filter(Boolean)
        .map((r) => [(r as unknown[])[1], (r as unknown[])[2]]),
    );
    expect(values['本月发现隐患']).toBe('4');
    expect(values['整改率（数值）']).toBe(0.5);
    expect(summary.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(book.getWorksheet('重大隐患')!.rowCount).toBe(2);
    expect(book.getWorksheet('逾期隐患')!.rowCount).toBe(3);
    expect(book.getWorksheet('分地区')!.getColumn(2).width).toBe(24);
  });
});
