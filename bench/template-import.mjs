// npm run bench:import
// Time and peak memory of reading a 1,000-item checklist spreadsheet (XLSX and
// CSV, the parse and validation an import does before its one INSERT), and of
// a 10,000-row XLSX past the 1,000-item limit. Each case runs in its own
// process so its peak RSS (getrusage maxrss) is its own.
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const dist = (path) => import(new URL(`../dist/src/${path}`, import.meta.url).href);

async function child(kind, items) {
  const { templateXlsx, templateCsv } = await dist('templates/template-sheets.js');
  const { parseTemplateSheet } = await dist('templates/template-import.js');
  const sections = Array.from({ length: Math.ceil(items / 100) }, (_, s) => ({
    code: `S${s + 1}`,
    title: `检查类别 ${s + 1}`,
    items: Array.from({ length: Math.min(100, items - s * 100) }, (_, i) => ({
      code: `S${s + 1}-${i + 1}`,
      text: `疏散通道、安全出口是否畅通，未被占用、堵塞、封闭（第 ${s * 100 + i + 1} 项）`,
      guidance: '典型隐患：疏散通道堆放杂物、安全出口上锁。检查方式：看现场，逐层查看。'.repeat(2),
      basis: 'GB 35181-2017 6.2',
      severity: i % 5 === 0 ? 'major' : 'general',
      responseType: 'pass_fail',
      requiresPhotoOnFail: i % 5 === 0,
      ...(i % 3 === 0 ? { deadlineDays: 7 } : {}),
    })),
  }));
  const bytes = kind === 'xlsx' ? await templateXlsx({ name: 'bench', sections }) : templateCsv({ sections });
  global.gc?.();
  const base = process.resourceUsage().maxRSS;
  const runs = [];
  let last;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    last = await parseTemplateSheet(bytes, { code: 'bench-import', name: 'bench', institutionTypes: ['elderly_care'] });
    runs.push(performance.now() - t0);
  }
  runs.sort((a, b) => a - b);
  const peak = process.resourceUsage().maxRSS;
  const result = { kind, rows: items, bytes: bytes.length, medianMs: runs[2], maxRssMb: peak / 1024, rssBeforeMb: base / 1024 };
  console.log(JSON.stringify({ ...result, errors: last.errors.length, ok: !!last.content }));
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], Number(process.argv[4]));
} else {
  for (const [kind, items] of [
    ['xlsx', 1000],
    ['csv', 1000],
    ['xlsx', 10000],
  ]) {
    const args = ['--expose-gc', new URL(import.meta.url).pathname, '--child', kind, String(items)];
    const out = execFileSync(process.execPath, args, { encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop());
    console.log(
      `  ${r.kind} ${r.rows} rows (${Math.round(r.bytes / 1024)} KB): median ${r.medianMs.toFixed(0)} ms, ` +
        `peak RSS ${r.maxRssMb.toFixed(0)} MB (${r.rssBeforeMb.toFixed(0)} MB before parsing), ` +
        (r.ok ? 'valid' : `${r.errors} errors listed`),
    );
  }
}
