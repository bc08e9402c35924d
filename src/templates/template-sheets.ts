import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { contentRows, SHEET_COLUMNS } from './sheet-layout.js';
import type { Template, TemplateContent, TemplateItem } from './template.types.js';

/** A template as an XLSX in the import layout (row 1 headers, one row per item, frozen header). */
export async function templateXlsx(content: Pick<TemplateContent, 'name' | 'sections'>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Paicha';
  const sheet = workbook.addWorksheet('检查表', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = SHEET_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width }));
  sheet.getRow(1).font = { bold: true };
  for (const row of contentRows(content)) sheet.addRow(row);
  sheet.getColumn(4).alignment = { wrapText: true, vertical: 'top' };
  sheet.getColumn(5).alignment = { wrapText: true, vertical: 'top' };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A template as a UTF-8 CSV with BOM (so Excel and WPS open it as Chinese text), same layout. */
export function templateCsv(content: Pick<TemplateContent, 'sections'>): Buffer {
  const text = stringify([SHEET_COLUMNS.map((c) => c.header), ...contentRows(content)], { record_delimiter: '\r\n' });
  return Buffer.from(`\ufeff${text}`, 'utf8');
}

const ITEM_FIELDS = [
  'text',
  'guidance',
  'basis',
  'severity',
  'responseType',
  'requiresPhotoOnFail',
  'deadlineDays',
  'deadlineWorkdays',
] as const;

export interface TemplateDiff {
  added: (TemplateItem & { section: string })[];
  removed: (TemplateItem & { section: string })[];
  changed: { code: string; fields: string[] }[];
}

/** Items added, removed and changed (which fields; `section` when it moved) from `from` to `to`, matched by item code. */
export function diffTemplates(from: Template, to: Template): TemplateDiff {
  const index = (t: Template) => {
    const map = new Map<string, TemplateItem & { section: string }>();
    for (const s of t.sections) for (const item of s.items) map.set(item.code, { ...item, section: s.code });
    return map;
  };
  const before = index(from);
  const after = index(to);
  const added = [...after.values()].filter((i) => !before.has(i.code));
  const removed = [...before.values()].filter((i) => !after.has(i.code));
  const changed: TemplateDiff['changed'] = [];
  for (const [code, next] of after) {
    const prev = before.get(code);
    if (!prev) continue;
    const fields: string[] = ITEM_FIELDS.filter((f) => prev[f] !== next[f]);
    if (prev.section !== next.section) fields.push('section');
    if (fields.length > 0) changed.push({ code, fields });
  }
  return { added, removed, changed };
}
