import type { ResponseType, Severity, TemplateContent, TemplateItem } from './template.types.js';

/** The spreadsheet layout of a checklist (templates/README.md): one row per item, these headers in row 1, in this order. */
export const SHEET_COLUMNS = [
  { key: 'sectionCode', header: '类别编号', width: 10 },
  { key: 'sectionTitle', header: '检查类别', width: 24 },
  { key: 'code', header: '检查项编号', width: 12 },
  { key: 'text', header: '检查内容', width: 60 },
  { key: 'guidance', header: '检查方式/典型隐患', width: 60 },
  { key: 'basis', header: '依据', width: 36 },
  { key: 'severity', header: '隐患等级', width: 10 },
  { key: 'responseType', header: '判定方式', width: 12 },
  { key: 'requiresPhotoOnFail', header: '不合格须拍照', width: 12 },
  { key: 'deadlineDays', header: '整改期限（天）', width: 14 },
  { key: 'deadlineWorkdays', header: '整改期限（工作日）', width: 16 },
] as const;

export type SheetKey = (typeof SHEET_COLUMNS)[number]['key'];
export const SHEET_HEADERS: string[] = SHEET_COLUMNS.map((c) => c.header);
/** Most items one import may hold; rows past it are row errors. */
export const MAX_IMPORT_ITEMS = 1000;

export const SEVERITY_WORDS: Record<string, Severity> = {
  一般: 'general',
  一般隐患: 'general',
  重大: 'major',
  重大隐患: 'major',
  重大事故隐患: 'major',
};
export const RESPONSE_WORDS: Record<string, ResponseType> = {
  '合格/不合格': 'pass_fail',
  合格不合格: 'pass_fail',
  '是/否': 'yes_no',
  是否: 'yes_no',
  数值: 'number',
  文字: 'text',
};
const YES = new Set(['是', '√', '✓', 'Y', 'y', '1']);
const NO = new Set(['否', '×', '✗', 'X', 'x', 'N', 'n', '0']);

const SEVERITY_OUT: Record<Severity, string> = { general: '一般', major: '重大' };
const RESPONSE_OUT: Record<ResponseType, string> = { pass_fail: '合格/不合格', yes_no: '是/否', number: '数值', text: '文字' };

/** Excel's column letter of a 0-based index (0 → A, 26 → AA). */
export function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

export interface RowError {
  row: number;
  column: string;
  cell: string;
  message: string;
}

export interface ParsedRow {
  row: number;
  sectionCode: string;
  sectionTitle: string;
  item: TemplateItem & { deadlineWorkdays?: number };
}

/** One data row (values in SHEET_COLUMNS order, already shown-value strings) → an item or its errors. */
export function parseRow(row: number, values: string[], previous?: { sectionCode: string; sectionTitle: string }) {
  const errors: RowError[] = [];
  const at = (key: SheetKey) => SHEET_COLUMNS.findIndex((c) => c.key === key);
  const fail = (key: SheetKey, message: string) => {
    const column = columnLetter(at(key));
    errors.push({ row, column, cell: `${column}${row}`, message: `${column}${row}（${SHEET_COLUMNS[at(key)].header}）：${message}` });
  };
  const v = (key: SheetKey) => (values[at(key)] ?? '').trim();
  // a blank section cell repeats the section above (a merged cell reads this way too)
  const sectionCode = v('sectionCode') || previous?.sectionCode || '';
  const sectionTitle = v('sectionTitle') || (v('sectionCode') ? '' : (previous?.sectionTitle ?? ''));
  if (!sectionCode) fail('sectionCode', '类别编号不能为空');
  if (!sectionTitle) fail('sectionTitle', '检查类别不能为空');
  const code = v('code');
  if (!code) fail('code', '检查项编号不能为空');
  else if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/.test(code)) fail('code', `检查项编号“${code}”只能由 1–32 个字母、数字、“.”“_”“-”组成`);
  const text = v('text');
  if (!text) fail('text', '检查内容不能为空');
  else if (text.length > 1000) fail('text', '检查内容不能超过 1000 字');
  const guidance = v('guidance');
  if (guidance.length > 2000) fail('guidance', '检查方式/典型隐患不能超过 2000 字');
  const basis = v('basis');
  if (basis.length > 500) fail('basis', '依据不能超过 500 字');
  const severityWord = v('severity');
  const severity = severityWord === '' ? 'general' : SEVERITY_WORDS[severityWord];
  if (!severity) fail('severity', `“${severityWord}”不是隐患等级，请填写“一般”或“重大”（留空为一般）`);
  const responseWord = v('responseType');
  const responseType = responseWord === '' ? 'pass_fail' : RESPONSE_WORDS[responseWord];
  if (!responseType) fail('responseType', `“${responseWord}”不是判定方式，请填写“合格/不合格”“是/否”“数值”或“文字”（留空为合格/不合格）`);
  const photoWord = v('requiresPhotoOnFail');
  const photo = photoWord === '' ? severity === 'major' : YES.has(photoWord) ? true : NO.has(photoWord) ? false : undefined;
  if (photo === undefined)
    fail('requiresPhotoOnFail', `“${photoWord}”无法识别，请填写“是”或“否”（也可用 √、×；留空时重大隐患为是，一般隐患为否）`);
  const days = parseCount(v('deadlineDays'), 365);
  if (days === null) fail('deadlineDays', `“${v('deadlineDays')}”不是 1–365 之间的整数天数`);
  const workdays = parseCount(v('deadlineWorkdays'), 365);
  if (workdays === null) fail('deadlineWorkdays', `“${v('deadlineWorkdays')}”不是 1–365 之间的整数工作日数`);
  if (days && workdays) fail('deadlineWorkdays', '整改期限（天）和整改期限（工作日）只能填写一项');
  if (errors.length > 0) return { errors };
  const item: ParsedRow['item'] = {
    code,
    text,
    ...(guidance ? { guidance } : {}),
    ...(basis ? { basis } : {}),
    severity: severity!,
    responseType: responseType!,
    requiresPhotoOnFail: photo!,
    ...(days ? { deadlineDays: days } : {}),
    ...(workdays ? { deadlineWorkdays: workdays } : {}),
  };
  return { errors, parsed: { row, sectionCode, sectionTitle, item } as ParsedRow };
}

/** '' → undefined (default), an integer 1..max → it, anything else → null. */
function parseCount(word: string, max: number): number | undefined | null {
  if (word === '') return undefined;
  if (!/^\d+(\.0+)?$/.test(word)) return null;
  const n = Number(word);
  return n >= 1 && n <= max ? n : null;
}

/** A template's items as rows of shown values, in SHEET_COLUMNS order. */
export function contentRows(content: Pick<TemplateContent, 'sections'>): (string | number)[][] {
  const rows: (string | number)[][] = [];
  for (const section of content.sections) {
    for (const item of section.items as (TemplateItem & { deadlineWorkdays?: number })[]) {
      rows.push([
        section.code,
        section.title,
        item.code,
        item.text,
        item.guidance ?? '',
        item.basis ?? '',
        SEVERITY_OUT[item.severity],
        RESPONSE_OUT[item.responseType],
        item.requiresPhotoOnFail ? '是' : '否',
        item.deadlineDays ?? '',
        item.deadlineWorkdays ?? '',
      ]);
    }
  }
  return rows;
}
