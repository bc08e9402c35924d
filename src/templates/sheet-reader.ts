import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';

/** Most bytes the parts of an XLSX may declare once inflated, and the highest ratio one part may declare. */
export const MAX_INFLATED_BYTES = 64 * 1024 * 1024;
export const MAX_RATIO = 200;

export type SheetKind = 'xlsx' | 'csv';

/** Chunks cut only between whole UTF-8 characters (a trailing partial sequence waits for the next chunk). */
async function* wholeUtf8(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  let carry = Buffer.alloc(0);
  for await (const piece of chunks) {
    const chunk = carry.length > 0 ? Buffer.concat([carry, Buffer.from(piece)]) : Buffer.from(piece);
    let end = chunk.length;
    // step back over continuation bytes to the last lead byte; keep it if its sequence is incomplete
    let i = end - 1;
    while (i >= 0 && i > end - 4 && (chunk[i] & 0xc0) === 0x80) i--;
    if (i >= 0 && chunk[i] >= 0xc0) {
      const need = chunk[i] >= 0xf0 ? 4 : chunk[i] >= 0xe0 ? 3 : 2;
      if (end - i < need) end = i;
    }
    carry = chunk.subarray(end);
    if (end > 0) yield chunk.subarray(0, end);
  }
  if (carry.length > 0) yield carry;
}

/**
 * exceljs 4.4's streaming reader decodes each inflated chunk to text on its
 * own, so a Chinese character cut by a chunk boundary becomes U+FFFD (seen on
 * the built-in checklists). Its shared strings and worksheets are fed whole
 * characters instead.
 */
function patchStreamingUtf8(): void {
  type Proto = {
    _parseSharedStrings(entry: NodeJS.ReadableStream): AsyncGenerator<unknown>;
    _parseWorksheet(iterator: AsyncIterable<Buffer>, sheetNo: number): AsyncGenerator<unknown>;
    __utf8Whole?: true;
  };
  const proto = ExcelJS.stream.xlsx.WorkbookReader.prototype as unknown as Proto;
  if (proto.__utf8Whole) return;
  const sharedStrings = proto._parseSharedStrings;
  const worksheet = proto._parseWorksheet;
  proto._parseSharedStrings = function (entry) {
    return sharedStrings.call(this, Readable.from(wholeUtf8(entry as unknown as AsyncIterable<Buffer>)));
  };
  proto._parseWorksheet = function (iterator, sheetNo) {
    return worksheet.call(this, wholeUtf8(iterator), sheetNo);
  };
  proto.__utf8Whole = true;
}
patchStreamingUtf8();

export class SheetFormatError extends Error {
  constructor(
    message: string,
    readonly kind: 'unsupported' | 'bomb' | 'broken',
  ) {
    super(message);
  }
}

/** What the bytes are, whatever the file name says: an XLSX (a zip) or a CSV (text); anything else is refused. */
export function sniff(bytes: Buffer): SheetKind {
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50) return 'xlsx';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from('d0cf11e0a1b11ae1', 'hex'))) {
    throw new SheetFormatError('这是旧版 Excel（.xls）文件，请在 Excel 或 WPS 中另存为 .xlsx 后再导入', 'unsupported');
  }
  const head = bytes.subarray(0, 64 * 1024);
  if (head.length === 0 || head.includes(0)) throw new SheetFormatError('文件不是 XLSX 或 CSV 表格', 'unsupported');
  return 'csv';
}

/**
 * Reads the zip's central directory (never inflating anything) and refuses
 * an archive whose parts declare more than MAX_INFLATED_BYTES in all, or a
 * ratio above MAX_RATIO: a zip bomb in the clothes of an XLSX.
 */
export function checkZip(bytes: Buffer): void {
  const from = Math.max(0, bytes.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= from; i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new SheetFormatError('XLSX 文件已损坏（找不到 zip 目录）', 'broken');
  const count = bytes.readUInt16LE(eocd + 10);
  let offset = bytes.readUInt32LE(eocd + 16);
  if (count === 0xffff || offset === 0xffffffff) throw new SheetFormatError('XLSX 文件使用了不支持的 zip64 格式', 'bomb');
  let total = 0;
  for (let n = 0; n < count; n++) {
    if (offset + 46 > bytes.length || bytes.readUInt32LE(offset) !== 0x02014b50) {
      throw new SheetFormatError('XLSX 文件已损坏（zip 目录不完整）', 'broken');
    }
    const compressed = bytes.readUInt32LE(offset + 20);
    const size = bytes.readUInt32LE(offset + 24);
    if (compressed === 0xffffffff || size === 0xffffffff) throw new SheetFormatError('XLSX 文件使用了不支持的 zip64 格式', 'bomb');
    total += size;
    if (size > 1024 * 1024 && size > compressed * MAX_RATIO) {
      throw new SheetFormatError(
        `XLSX 文件中的一部分压缩比异常（${Math.round(size / Math.max(1, compressed))} 倍），疑似压缩炸弹，已拒绝`,
        'bomb',
      );
    }
    if (total > MAX_INFLATED_BYTES) throw new SheetFormatError('XLSX 文件解压后超过 64 MB，已拒绝', 'bomb');
    offset += 46 + bytes.readUInt16LE(offset + 28) + bytes.readUInt16LE(offset + 30) + bytes.readUInt16LE(offset + 32);
  }
}

/** CSV text: UTF-8 (with or without BOM), else GB18030 (what Excel and WPS write on a Chinese Windows). */
function decodeCsv(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** A cell's shown value as text: formulas give their cached result, rich text its text, numbers without float noise. */
export function shownValue(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(Number(value.toPrecision(15)));
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return shownValue((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ('formula' in value || 'sharedFormula' in value) return '';
    if ('text' in value && 'hyperlink' in value) return shownValue((value as { text: ExcelJS.CellValue }).text);
    if ('error' in value) return String((value as { error: string }).error);
  }
  return String(value);
}

export interface SheetRow {
  row: number;
  values: string[];
}

/**
 * The rows of the first worksheet (XLSX) or of the CSV, one at a time, as
 * shown-value strings with `row` the spreadsheet's row number (header = 1).
 * XLSX is read by exceljs' streaming reader, so memory stays bounded.
 */
export async function* readSheet(bytes: Buffer, kind: SheetKind): AsyncGenerator<SheetRow> {
  if (kind === 'csv') {
    const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: false, max_record_size: 64 * 1024, info: true });
    Readable.from([decodeCsv(bytes)]).pipe(parser);
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { row: info.lines, values: record };
    }
    return;
  }
  checkZip(bytes);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  for await (const sheet of reader) {
    for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
      const raw = row.values as ExcelJS.CellValue[];
      const values: string[] = [];
      for (let i = 1; i < raw.length; i++) values.push(shownValue(raw[i]));
      yield { row: row.number, values };
    }
    return; // the first worksheet only
  }
}
