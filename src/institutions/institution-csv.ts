import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import { parseInstitutionType } from '../common/labels.zh-CN.js';
import { isValidCreditCode } from './credit-code.js';
import type { InstitutionFields } from './institutions.repository.js';

export const CSV_COLUMNS = ['name', 'type', 'regionCode', 'address', 'beds', 'creditCode', 'headName', 'phone'] as const;

export type CsvRecord =
  { line: number; fields: InstitutionFields; error?: undefined } | { line: number; error: string; fields?: undefined };

export class CsvHeaderError extends Error {}

/**
 * Streams institution rows out of a CSV (UTF-8 with or without BOM, CRLF or
 * LF, quoted fields). Each row comes out parsed or with the Chinese reason it
 * was refused; `line` counts the header as line 1. Region existence and scope
 * are checked by the caller, which knows the actor.
 */
export async function* readInstitutionCsv(input: Readable): AsyncGenerator<CsvRecord> {
  const parser = parse({
    bom: true,
    info: true,
    skip_empty_lines: true,
    relax_column_count: true,
    trim: true,
    max_record_size: 64 * 1024,
  });
  // pipe() does not pass the source's errors on (an upload cut off at the size limit)
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  let header: string[] | undefined;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (!header) {
      header = record.map((h) => h.trim());
      checkHeader(header);
      continue;
    }
    const values: Record<string, string> = {};
    header.forEach((column, i) => (values[column] = (record[i] ?? '').trim()));
    yield parseRow(info.lines, values, record.length, header.length);
  }
  if (!header) throw new CsvHeaderError(`The CSV is empty: expected the header ${CSV_COLUMNS.join(',')}`);
}

function checkHeader(header: string[]): void {
  const missing = CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new CsvHeaderError(`The CSV header lacks the column(s) ${missing.join(', ')} (expected ${CSV_COLUMNS.join(',')})`);
  }
  const unknown = header.filter((c) => !(CSV_COLUMNS as readonly string[]).includes(c));
  if (unknown.length > 0) throw new CsvHeaderError(`The CSV header has unknown column(s): ${unknown.join(', ')}`);
  const duplicate = header.filter((c, i) => header.indexOf(c) !== i);
  if (duplicate.length > 0) throw new CsvHeaderError(`The CSV header repeats column(s): ${duplicate.join(', ')}`);
}

function parseRow(line: number, v: Record<string, string>, columns: number, expected: number): CsvRecord {
  const fail = (error: string): CsvRecord => ({ line, error });
  if (columns > expected) return fail(`列数过多：应为 ${expected} 列，实际 ${columns} 列`);
  if (Object.values(v).some((value) => value.includes('\u0000'))) return fail('包含非法的空字符（NUL）');
  if (!v.name) return fail('机构名称不能为空');
  if (v.name.length > 200) return fail('机构名称过长（最多 200 字）');
  const type = parseInstitutionType(v.type);
  if (!type) return fail(`机构类型无效：${v.type || '（空）'}`);
  if (!/^[0-9]{6}([0-9]{3})?$/.test(v.regionCode)) return fail(`行政区划代码格式错误：${v.regionCode || '（空）'}`);
  let beds: number | null = null;
  if (v.beds !== '') {
    if (!/^[0-9]{1,6}$/.test(v.beds) || Number(v.beds) > 100_000) return fail(`床位数必须是 0 到 100000 之间的整数：${v.beds}`);
    beds = Number(v.beds);
  }
  const creditCode = v.creditCode.toUpperCase();
  if (creditCode !== '' && !isValidCreditCode(creditCode)) return fail(`统一社会信用代码校验失败：${v.creditCode}`);
  if (v.address.length > 300) return fail('地址过长（最多 300 字）');
  if (v.headName.length > 100) return fail('负责人姓名过长（最多 100 字）');
  if (v.phone.length > 40) return fail('联系电话过长（最多 40 字）');
  return {
    line,
    fields: {
      name: v.name,
      type,
      regionCode: v.regionCode,
      address: v.address || null,
      beds,
      creditCode: creditCode || null,
      headName: v.headName || null,
      phone: v.phone || null,
    },
  };
}
