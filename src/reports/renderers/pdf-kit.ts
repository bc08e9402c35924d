import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Writable } from 'node:stream';

/**
 * Shared pieces of our PDFs: Noto Sans SC by file path (pdfkit re-reads a
 * font registered by alias for every table cell; a path is read once), a
 * table that breaks across pages repeating its header, and the page footer.
 */
const requireFromApp = createRequire(join(process.cwd(), 'package.json'));
export const FONT_REGULAR = requireFromApp.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');
export const FONT_BOLD = requireFromApp.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf');

export type Doc = PDFKit.PDFDocument;

export const MARGIN = 50;
const FOOTER_SPACE = 30;

/** A new A4 document; pdfkit is loaded on first use (the service need not carry it until someone prints). */
export async function newDocument(title: string): Promise<Doc> {
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN + FOOTER_SPACE, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: { Title: title, Producer: 'Paicha', Creator: 'Paicha 排查' },
    lang: 'zh-CN',
  });
  doc.font(FONT_REGULAR).fontSize(10);
  doc.on('pageAdded', () => releaseFinishedPage(doc));
  return doc;
}

/** The pdfkit internals `releaseFinishedPage` relies on (pdfkit 0.20); a unit test checks they are there. */
export interface PdfkitInternals {
  _pageBuffer: { content: { buffer: Uint8Array[] } }[];
  _fontFamilies: Record<string, { layoutCache?: Record<string, unknown> }>;
}

/** How many word layouts a font keeps before they are dropped (about 2 KB each for a CJK table cell). */
export const LAYOUT_CACHE_WORDS = 2000;

/**
 * Keeps a buffered document's memory bounded by its output, not by its
 * drawing operations. pdfkit holds every page until the end (we need the
 * page count for 共 M 页) and keeps each operator of a page as its own small
 * byte array, and every embedded font caches the layout of every word it has
 * set, forever: a 60-page monthly report retained over 100 MB that way. When a
 * page is finished (the next one is added) its operators become one array,
 * and a font holding more than LAYOUT_CACHE_WORDS layouts starts afresh.
 * Shaping is the slow part of setting Chinese text and single characters
 * repeat from page to page, so a cache kept up to that size renders the
 * monthly report faster (5–10 % here) than one dropped at every page.
 */
export function releaseFinishedPage(doc: Doc): void {
  const internals = doc as unknown as PdfkitInternals;
  const finished = internals._pageBuffer.at(-2)?.content;
  if (finished && finished.buffer.length > 1) finished.buffer = [concatBytes(finished.buffer)];
  for (const font of new Set(Object.values(internals._fontFamilies))) {
    if (font.layoutCache && Object.keys(font.layoutCache).length > LAYOUT_CACHE_WORDS)
      font.layoutCache = Object.create(null) as Record<string, unknown>;
  }
}

function concatBytes(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Streams the document into `out`; resolves when everything is written. */
export function pipeTo(doc: Doc, out: Writable): Promise<void> {
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
    doc.on('error', reject);
  });
  doc.pipe(out);
  return done;
}

export function contentWidth(doc: Doc): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right;
}

export function bottomLimit(doc: Doc): number {
  return doc.page.height - doc.page.margins.bottom;
}

export function heading(doc: Doc, text: string, size = 13): void {
  ensureSpace(doc, size * 3);
  doc
    .moveDown(0.6)
    .font(FONT_BOLD)
    .fontSize(size)
    .fillColor('#000')
    .text(text, MARGIN, doc.y, { width: contentWidth(doc) });
  doc.font(FONT_REGULAR).fontSize(10).moveDown(0.3);
}

export function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > bottomLimit(doc)) doc.addPage();
}

export interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right' | 'center';
}

/** A bordered table; rows flow onto new pages with the header repeated. */
export function table(doc: Doc, columns: Column[], rows: string[][], fontSize = 9): void {
  const padding = 3;
  const drawRow = (cells: string[], bold: boolean) => {
    doc.font(bold ? FONT_BOLD : FONT_REGULAR).fontSize(fontSize);
    // most cells fit on one line: measured by width, set without the line wrapper (a table of
    // 2,000 rows is most of a monthly report's time); only the others are wrapped
    const lineHeight = doc.currentLineHeight(true);
    const widths = cells.map((cell) => (cell.includes('\n') ? Infinity : doc.widthOfString(cell)));
    const oneLine = cells.map((_, i) => widths[i] <= columns[i].width - 2 * padding);
    const heights = cells.map((cell, i) => (oneLine[i] ? lineHeight : doc.heightOfString(cell, { width: columns[i].width - 2 * padding })));
    const height = Math.max(...heights) + 2 * padding;
    return {
      height,
      draw: (y: number) => {
        let x = MARGIN;
        cells.forEach((cell, i) => {
          if (bold) doc.rect(x, y, columns[i].width, height).fillAndStroke('#eef2f7', '#999').fillColor('#000');
          else doc.rect(x, y, columns[i].width, height).stroke('#999');
          const room = columns[i].width - 2 * padding;
          const align = columns[i].align ?? 'left';
          doc.fillColor('#000');
          if (oneLine[i]) {
            const shift = align === 'right' ? room - widths[i] : align === 'center' ? (room - widths[i]) / 2 : 0;
            doc.text(cell, x + padding + shift, y + padding, { lineBreak: false });
          } else {
            doc.text(cell, x + padding, y + padding, { width: room, align, lineBreak: true });
          }
          x += columns[i].width;
        });
      },
    };
  };
  const header = columns.map((c) => c.header);
  doc.lineWidth(0.5);
  let head = drawRow(header, true);
  ensureSpace(doc, head.height * 2);
  const top = doc.y;
  head.draw(top);
  let y = top + head.height;
  for (const cells of rows) {
    const row = drawRow(cells, false);
    if (y + row.height > bottomLimit(doc)) {
      doc.addPage();
      head = drawRow(header, true);
      head.draw(doc.page.margins.top);
      y = doc.page.margins.top + head.height;
    }
    row.draw(y);
    y += row.height;
  }
  doc.font(FONT_REGULAR).fontSize(10);
  doc.x = MARGIN;
  doc.y = y + 6;
}

/** Horizontal grouped bars (one colour per series) with a legend: drawn as vector graphics, labels as real text. */
export function barChart(doc: Doc, title: string, categories: string[], series: { name: string; color: string; values: number[] }[]): void {
  const labelWidth = 130;
  const barHeight = 7;
  const groupGap = 6;
  const groupHeight = series.length * barHeight + groupGap;
  const width = contentWidth(doc) - labelWidth - 40;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  // keep the title, the legend and the first bars together
  ensureSpace(doc, 60 + Math.min(categories.length, 3) * groupHeight);
  heading(doc, title, 11);
  // legend
  let lx = MARGIN;
  ensureSpace(doc, 20);
  for (const s of series) {
    doc.rect(lx, doc.y + 2, 10, 8).fill(s.color);
    doc
      .fillColor('#000')
      .fontSize(9)
      .text(s.name, lx + 14, doc.y, { lineBreak: false });
    lx += 80;
  }
  doc.moveDown(1.2);
  if (categories.length === 0) {
    doc.fontSize(9).text('（无数据）', MARGIN, doc.y);
    return;
  }
  categories.forEach((category, i) => {
    ensureSpace(doc, groupHeight + 4);
    const top = doc.y;
    doc
      .fillColor('#000')
      .fontSize(8)
      .text(category, MARGIN, top, { width: labelWidth - 6, height: groupHeight, ellipsis: true, lineBreak: false });
    series.forEach((s, k) => {
      const value = s.values[i] ?? 0;
      const y = top + k * barHeight;
      const w = (value / max) * width;
      if (w > 0) doc.rect(MARGIN + labelWidth, y, w, barHeight - 1).fill(s.color);
      doc
        .fillColor('#333')
        .fontSize(7)
        .text(String(value), MARGIN + labelWidth + w + 3, y - 1, { lineBreak: false });
    });
    doc.x = MARGIN;
    doc.y = top + groupHeight;
  });
  // axis
  doc
    .moveTo(MARGIN + labelWidth, doc.y)
    .lineTo(MARGIN + labelWidth + width, doc.y)
    .stroke('#999');
  doc.fillColor('#000').fontSize(10).moveDown(0.5);
}

/** Writes 第 N 页 / 共 M 页 on every buffered page. */
export function pageNumbers(doc: Doc): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font(FONT_REGULAR)
      .fontSize(9)
      .fillColor('#444')
      .text(`第 ${i + 1} 页 / 共 ${range.count} 页`, MARGIN, doc.page.height - MARGIN - 12, {
        width: contentWidth(doc),
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
}
