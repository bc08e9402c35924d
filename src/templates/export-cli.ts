/**
 * `npm run templates:export`: writes every built-in template (templates/*.yaml)
 * as an XLSX in the import layout into docs/templates/, and the annotated
 * sample templates/sample-import.xlsx. No database needed.
 */
import ExcelJS from 'exceljs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SHEET_COLUMNS } from './sheet-layout.js';
import { readTemplateFiles } from './template-files.js';
import { templateXlsx } from './template-sheets.js';

async function main(): Promise<void> {
  const root = process.cwd();
  const out = resolve(root, 'docs/templates');
  await mkdir(out, { recursive: true });
  for (const { template } of await readTemplateFiles(resolve(root, 'templates'))) {
    const file = join(out, `${template.code}.xlsx`);
    await writeFile(file, await templateXlsx(template));
    console.log(`wrote ${file}`);
  }
  const sample = resolve(root, 'templates/sample-import.xlsx');
  await writeFile(sample, await sampleXlsx());
  console.log(`wrote ${sample}`);
}

/** A small sheet showing the words users write: √/×, 重大隐患, blanks for defaults, a merged section cell, a formula. */
export async function sampleXlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Paicha';
  workbook.created = new Date('2026-06-01T00:00:00Z');
  workbook.modified = workbook.created;
  const sheet = workbook.addWorksheet('检查表', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = SHEET_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width }));
  sheet.getRow(1).font = { bold: true };
  sheet.addRows([
    [
      'A',
      '消防安全',
      'A01',
      '疏散通道、安全出口是否畅通，未被占用、堵塞、封闭',
      '看现场：逐层查看疏散走道、楼梯间和安全出口',
      'GB 35181-2017 6.2',
      '重大隐患',
      '合格/不合格',
      '√',
      '',
      '',
    ],
    ['', '', 'A02', '灭火器是否在有效期内并定期检查', '查资料：巡查记录；看现场：压力表指针', '', '一般', '', '', 7, ''],
    ['', '', 'A03', '消防控制室是否 24 小时双人值班', '问人员：值班人员是否持证', '', '', '是/否', '×', '', 5],
    ['B', '食品安全', 'B01', '食品留样是否不少于 48 小时', '', '', '', '数值', '', { formula: '3*5', result: 15 }, ''],
    ['', '', 'B02', '厨房操作人员健康证情况', '', '', '', '文字', '否', '', ''],
  ]);
  sheet.mergeCells('A2:A4');
  sheet.mergeCells('B2:B4');
  sheet.mergeCells('A5:A6');
  sheet.mergeCells('B5:B6');
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

if (process.argv[1]?.endsWith('export-cli.js')) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
