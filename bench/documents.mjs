// npm run bench:documents [-- --samples]
// Time to issue and render one rectification notice with 20 findings (PDF and
// DOCX): the renderers alone (median of 15, after a warm-up), and the whole
// issue (number, QR, both files, storage, row, audit) through DocumentIssuer on
// an embedded PostgreSQL (median of 10). --samples also writes page 1 of each
// kind of document as a PNG into docs/ (pdftoppm -png -r 60).
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import QRCode from 'qrcode';
import { inProcessApp, median, pool, rm, startDatabase, tempDir } from './lib/stack.mjs';

const dist = (path) => import(new URL(`../dist/src/${path}`, import.meta.url).href);
const layouts = await dist('documents/renderers/document-layout.js');
const { renderDocumentPdf } = await dist('documents/renderers/document.pdf.js');
const { renderDocumentDocx } = await dist('documents/renderers/document.docx.js');
const { DocumentIssuer } = await dist('documents/document-issuer.service.js');

const FINDINGS = 20;
const url = 'https://paicha.example.cn/verify/q8Jx2mZr0cVb1nYtLw9sKA';
const findings = Array.from({ length: FINDINGS }, (_, i) => ({
  title:
    [
      '疏散通道堆放杂物，未保持畅通',
      '安全出口标志灯损坏',
      '电动自行车在楼道内充电',
      '灭火器压力不足未及时更换',
      '厨房燃气管道未设置泄漏报警装置',
    ][i % 5] + `（${i + 1}号楼）`,
  description: i % 3 === 0 ? '检查时发现，已拍照留存' : '',
  severity: i === 0 ? 'major' : 'general',
  basis: ['GB 38600-2019 5.3', '《养老机构重大事故隐患判定标准》第六条', '《消防法》第二十八条', null][i % 4],
  deadline: `2026-${String(6 + Math.floor(i / 10)).padStart(2, '0')}-${String(10 + (i % 10)).padStart(2, '0')}`,
}));
const input = async () => ({
  number: '从民安整〔2026〕12号',
  issuerName: '从江县民政局',
  institutionName: '从江县社会福利院',
  issuedOn: '2026-06-05',
  verify: {
    code: 'q8Jx2mZr0cVb1nYtLw9sKA',
    url,
    qrPng: await QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 6 }),
  },
});
const notice = async () =>
  layouts.rectificationNoticeLayout({ ...(await input()), inspectedOn: '2026-06-03', roundName: '2026年安全管理月督查', findings });

async function time(fn, runs) {
  await fn(); // warm-up: fonts and modules load once per process
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    ms.push(performance.now() - start);
  }
  return median(ms);
}

const layout = await notice();
const pdfMs = await time(() => renderDocumentPdf(layout), 15);
const docxMs = await time(() => renderDocumentDocx(layout), 15);
const pdf = await renderDocumentPdf(layout);
const docx = await renderDocumentDocx(layout);
console.log(
  `render, ${FINDINGS} findings: PDF ${pdfMs.toFixed(1)} ms (${(pdf.length / 1024).toFixed(0)} KB), DOCX ${docxMs.toFixed(1)} ms (${(docx.length / 1024).toFixed(0)} KB)`,
);

if (process.argv.includes('--samples')) {
  const samples = {
    'document-rectification-notice': layout,
    'document-recheck-opinion': layouts.recheckOpinionLayout({
      ...(await input()),
      number: '从民安复〔2026〕3号',
      issuedOn: '2026-07-02',
      noticeNumber: '从民安整〔2026〕12号',
      noticeIssuedOn: '2026-06-05',
      findings: findings.slice(0, 6).map((f, i) => ({ ...f, closed: i !== 2 })),
    }),
    'document-supervision-notice': layouts.supervisionNoticeLayout({
      ...(await input()),
      number: '从民安督〔2026〕2号',
      finding: { ...findings[0], deadline: '2026-09-30' },
      foundOn: '2026-06-03',
      planDueOn: '2026-06-19',
    }),
  };
  const dir = await tempDir('paicha-doc-samples');
  for (const [name, l] of Object.entries(samples)) {
    await writeFile(join(dir, `${name}.pdf`), await renderDocumentPdf(l));
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', join(dir, `${name}.pdf`), join('docs', name)]);
    console.log(`wrote docs/${name}.png`);
  }
  await rm(dir, { recursive: true, force: true });
}

// the whole issue, on a real database
const dir = await tempDir('paicha-bench-docs');
const database = await startDatabase(dir);
const app = await inProcessApp(database.url, { STORAGE_DIR: join(dir, 'storage'), PUBLIC_BASE_URL: 'https://paicha.example.cn' });
const db = pool(database.url);
try {
  await db.query(
    `INSERT INTO regions (code, name, level, parent_code, path) VALUES ('520000', '贵州省', 'province', NULL, '/520000/'), ('522633', '从江县', 'county', '520000', '/520000/522633/')`,
  );
  const round = await db.query(`INSERT INTO rounds (name, kind, region_code, starts_on, ends_on, institution_types, templates, status)
    VALUES ('督查', 'supervisory', '522633', '2026-06-01', '2026-12-31', '{elderly_care}', '{"elderly_care":"elderly-care-safety"}', 'open') RETURNING id`);
  const admin = (await db.query(`SELECT id FROM users WHERE role = 'admin'`)).rows[0].id;
  const actor = { id: admin, username: 'admin', role: 'admin', regionCode: null, regionPath: null, institutionId: null };
  const issuer = app.get(DocumentIssuer);
  const ms = [];
  for (let run = 0; run < 11; run++) {
    const inst = (
      await db.query(`INSERT INTO institutions (name, type, region_code) VALUES ($1, 'elderly_care', '522633') RETURNING id`, [
        `基准养老院${run}`,
      ])
    ).rows[0].id;
    const inspection = (
      await db.query(
        `INSERT INTO inspections (round_id, institution_id, region_code, template_id, template_version, kind, status, submitted_at)
      SELECT $1, $2, '522633', id, version, 'supervisory', 'submitted', now() FROM templates ORDER BY version LIMIT 1 RETURNING id`,
        [round.rows[0].id, inst],
      )
    ).rows[0].id;
    for (const f of findings) {
      await db.query(
        `INSERT INTO findings (inspection_id, institution_id, region_code, title, severity, status, found_on, deadline, supervised)
        VALUES ($1, $2, '522633', $3, $4, 'open', '2026-06-03', $5, $6)`,
        [inspection, inst, f.title, f.severity, f.deadline, f.severity === 'major'],
      );
    }
    const start = performance.now();
    await issuer.notice(actor, inspection);
    if (run > 0) ms.push(performance.now() - start); // the first loads the fonts
  }
  console.log(
    `issue, ${FINDINGS} findings (number + QR + PDF + DOCX + storage + row + audit, one transaction): median ${median(ms).toFixed(1)} ms of ${ms.length}`,
  );
} finally {
  await db.end();
  await app.close();
  await database.stop();
  await rm(dir, { recursive: true, force: true });
}
