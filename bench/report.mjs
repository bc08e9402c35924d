// Writes the latest results table into docs/performance.md (between its
// `bench:table` markers), so the document shows what the last run measured and
// nothing goes stale by hand. Called by bench/run.mjs; `node bench/report.mjs`
// rewrites it from bench/results.json. The national rows (`npm run bench --
// --national`, suite 'national') go to the `bench:national` table instead, in
// docs/performance.md and in the README's Performance section.
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';

const DOC = new URL('../docs/performance.md', import.meta.url);
const README = new URL('../README.md', import.meta.url);
const markers = (national) =>
  national ? ['<!-- bench:national -->', '<!-- /bench:national -->'] : ['<!-- bench:table -->', '<!-- /bench:table -->'];
/** An absolute target (judged on the value) shows its unit; a ratio target is a multiple of the baseline. */
const target = (r) =>
  r.target === null ? '—' : r.targetOn === 'value' ? `${r.target} ${r.unit}` : r.targetOn === 'ratio' ? `${r.target}×` : r.target;

export function resultsTable(results, { quick = false, national = false, at = new Date() } = {}) {
  const cpu = cpus();
  const lines = [
    `Latest ${national ? 'national ' : ''}${quick ? 'quick (a tenth of the size) ' : ''}run: ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC, ` +
      `${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}.`,
    '',
    '| scenario | value | unit | baseline | ratio | target | pass |',
    '|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.scenario} | ${r.value ?? '—'} | ${r.unit} | ${r.baseline ?? '—'} | ${r.ratio ?? '—'} | ${target(r)} | ${r.pass === null ? '—' : r.pass ? 'yes' : 'NO'} |`,
    ),
  ];
  return lines.join('\n');
}

export async function writePerformanceDoc(results, options = {}) {
  const [START, END] = markers(options.national);
  // the national table also goes to the README's Performance section
  for (const file of options.national ? [DOC, README] : [DOC]) {
    const doc = await readFile(file, 'utf8');
    const start = doc.indexOf(START);
    const end = doc.indexOf(END);
    if (start < 0 || end < start) throw new Error(`${file.pathname} lacks the ${START} … ${END} markers`);
    await writeFile(file, `${doc.slice(0, start + START.length)}\n${resultsTable(results, options)}\n${doc.slice(end)}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = JSON.parse(await readFile(new URL('./results.json', import.meta.url), 'utf8'));
  const national = results.some((r) => r.suite === 'national');
  await writePerformanceDoc(results, { quick: process.argv.includes('--quick'), national });
  console.log(`docs/performance.md: ${national ? 'national ' : ''}table rewritten from bench/results.json`);
}
