import { INSTITUTION_TYPES, type InstitutionType } from '../common/labels.zh-CN.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { TEMPLATE_CODE } from './dto/template.dto.js';
import { validateTemplate } from './template-content.js';
import { columnLetter, MAX_IMPORT_ITEMS, parseRow, SHEET_COLUMNS, type ParsedRow, type RowError } from './sheet-layout.js';
import { readSheet, SheetFormatError, sniff } from './sheet-reader.js';
import type { TemplateContent, TemplateSection } from './template.types.js';
import { TemplateError } from './templates.errors.js';

/** Most row errors one answer lists (the rest are counted in a last error). */
export const MAX_LISTED_ERRORS = 500;

export interface ImportFields {
  code: string;
  name: string;
  institutionTypes: InstitutionType[];
  description?: string;
}

export interface ParsedImport {
  content?: TemplateContent;
  errors: RowError[];
  items: number;
}

/** The multipart fields beside the file; bad ones are a 400 naming the field. */
export function importFields(fields: Record<string, string>): ImportFields {
  const bad = (field: string, message: string) =>
    new DomainException(TemplateError.InvalidContent, `${field}: ${message}`, { errors: [{ field, message }] });
  const code = (fields.code ?? '').trim();
  if (!TEMPLATE_CODE.test(code)) throw bad('code', 'must be 2–64 lower-case letters, digits, "_" or "-"');
  const name = (fields.name ?? '').trim();
  if (name.length < 1 || name.length > 200) throw bad('name', 'must be 1–200 characters');
  const types = (fields.institutionTypes ?? '').split(/[,，\s]+/).filter(Boolean);
  if (types.length === 0) throw bad('institutionTypes', 'give at least one institution type (comma-separated codes)');
  const unknown = types.filter((t) => !(INSTITUTION_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) throw bad('institutionTypes', `unknown institution type(s): ${unknown.join(', ')}`);
  const description = fields.description?.trim();
  if (description && description.length > 2000) throw bad('description', 'must be at most 2000 characters');
  return { code, name, institutionTypes: [...new Set(types)] as InstitutionType[], ...(description ? { description } : {}) };
}

/**
 * Reads a spreadsheet in the layout of templates/README.md into template
 * content, or the errors of its rows. A bad file (not XLSX/CSV, a zip bomb,
 * a header that is missing or unknown) throws; bad rows are collected.
 */
export async function parseTemplateSheet(bytes: Buffer, fields: ImportFields): Promise<ParsedImport> {
  let kind;
  try {
    kind = sniff(bytes);
  } catch (error) {
    throw toDomain(error);
  }
  const errors: RowError[] = [];
  let overflow = 0;
  const push = (error: RowError) => (errors.length < MAX_LISTED_ERRORS ? errors.push(error) : overflow++);
  const parsed: ParsedRow[] = [];
  let map: number[] | undefined; // SHEET_COLUMNS index → file column index
  let items = 0;
  let previous: { sectionCode: string; sectionTitle: string } | undefined;
  try {
    for await (const { row, values } of readSheet(bytes, kind)) {
      if (values.every((v) => v.trim() === '')) continue;
      if (!map) {
        map = headerMap(values);
        continue;
      }
      items++;
      if (items > MAX_IMPORT_ITEMS) {
        push({ row, column: 'A', cell: `A${row}`, message: `第 ${row} 行：超过 ${MAX_IMPORT_ITEMS} 个检查项的上限，请拆分为多个检查表` });
        continue;
      }
      const ordered = map.map((i) => values[i] ?? '');
      const result = parseRow(row, ordered, previous);
      for (const error of result.errors) push(relabel(error, map));
      if (result.parsed) {
        parsed.push(result.parsed);
        previous = { sectionCode: result.parsed.sectionCode, sectionTitle: result.parsed.sectionTitle };
      } else if (ordered[0]?.trim()) previous = { sectionCode: ordered[0].trim(), sectionTitle: ordered[1]?.trim() ?? '' };
    }
  } catch (error) {
    throw toDomain(error);
  }
  if (!map) {
    const headers = SHEET_COLUMNS.map((c) => c.header).join('、');
    throw new DomainException(TemplateError.SheetHeader, `表格为空：第 1 行应为表头 ${headers}`);
  }
  if (items === 0) push({ row: 2, column: 'A', cell: 'A2', message: '表格中没有检查项（第 2 行起每行一项）' });
  const sections = assemble(parsed, map, push);
  if (overflow > 0) errors.push({ row: 0, column: '', cell: '', message: `另有 ${overflow} 处错误未列出` });
  if (errors.length > 0) return { errors, items };
  const content = { ...fields, sections } as TemplateContent & { code: string };
  const checked = validateTemplate(content);
  for (const e of checked.errors) errors.push({ row: 0, column: '', cell: '', message: `${e.field}: ${e.message}` });
  if (errors.length > 0) return { errors, items };
  const { code: _code, ...rest } = content;
  return { content: rest, errors, items };
}

function headerMap(values: string[]): number[] {
  const header = values.map((v) => v.trim());
  const map: number[] = [];
  for (const column of SHEET_COLUMNS) {
    const at = header.indexOf(column.header);
    if (at < 0) {
      const all = SHEET_COLUMNS.map((c) => c.header).join('、');
      throw new DomainException(TemplateError.SheetHeader, `缺少表头“${column.header}”（第 1 行应依次为：${all}）`);
    }
    if (header.indexOf(column.header, at + 1) >= 0) throw new DomainException(TemplateError.SheetHeader, `表头“${column.header}”重复`);
    map.push(at);
  }
  header.forEach((h, i) => {
    if (h !== '' && !map.includes(i)) {
      throw new DomainException(TemplateError.SheetHeader, `未知表头“${h}”（${columnLetter(i)}1），请删除该列或改为规定的表头`);
    }
  });
  return map;
}

/** parseRow labels cells by layout position; the file may order its columns otherwise. */
function relabel(error: RowError, map: number[]): RowError {
  const layoutIndex = error.column.charCodeAt(0) - 65;
  const column = columnLetter(map[layoutIndex] ?? layoutIndex);
  if (column === error.column) return error;
  return { ...error, column, cell: `${column}${error.row}`, message: error.message.replace(error.cell, `${column}${error.row}`) };
}

function assemble(rows: ParsedRow[], map: number[], push: (e: RowError) => void): TemplateSection[] {
  const sections = new Map<string, TemplateSection>();
  const seen = new Map<string, number>();
  const cell = (layoutIndex: number, row: number) => `${columnLetter(map[layoutIndex])}${row}`;
  for (const { row, sectionCode, sectionTitle, item } of rows) {
    const first = seen.get(item.code);
    if (first !== undefined) {
      const c = cell(2, row);
      push({ row, column: columnLetter(map[2]), cell: c, message: `${c}（检查项编号）：编号“${item.code}”与第 ${first} 行重复` });
      continue;
    }
    seen.set(item.code, row);
    let section = sections.get(sectionCode);
    if (!section) {
      section = { code: sectionCode, title: sectionTitle, items: [] };
      sections.set(sectionCode, section);
    } else if (section.title !== sectionTitle) {
      const c = cell(1, row);
      const message = `${c}（检查类别）：类别“${sectionCode}”的名称应为“${section.title}”，此处为“${sectionTitle}”`;
      push({ row, column: columnLetter(map[1]), cell: c, message });
    }
    section.items.push(item);
  }
  return [...sections.values()];
}

function toDomain(error: unknown): unknown {
  if (error instanceof DomainException) return error;
  if (error instanceof SheetFormatError) {
    const code = error.kind === 'bomb' ? TemplateError.SheetTooLarge : TemplateError.SheetUnsupported;
    return new DomainException(code, error.message);
  }
  // exceljs or csv-parse refused the bytes: a damaged file, not a server fault
  return new DomainException(TemplateError.SheetUnsupported, `无法读取表格：${(error as Error).message}`.slice(0, 500));
}
