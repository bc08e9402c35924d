import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pdfText } from '../../../test/helpers/pdf.js';
import {
  FONT_BOLD,
  FONT_REGULAR,
  LAYOUT_CACHE_WORDS,
  MARGIN,
  newDocument,
  pageNumbers,
  pipeTo,
  table,
  type Doc,
  type PdfkitInternals,
} from './pdf-kit.js';

/**
 * `releaseFinishedPage` reaches into pdfkit: these tests fail if an upgrade
 * moves what it relies on, instead of the monthly PDF silently growing back
 * to hundreds of megabytes.
 */
async function collect(doc: Doc): Promise<() => Promise<Buffer>> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const written = pipeTo(doc, out);
  return async () => {
    await written;
    return Buffer.concat(chunks);
  };
}

/** The word layouts the document's fonts hold (pdfkit files a font under its path and its name: counted once). */
const cachedWords = (doc: Doc) =>
  [...new Set(Object.values((doc as unknown as PdfkitInternals)._fontFamilies))].reduce(
    (n, f) => n + Object.keys(f.layoutCache ?? {}).length,
    0,
  );

describe('a buffered document releases each finished page', () => {
  it('keeps a finished page as one byte array, and the PDF is whole', async () => {
    const doc = await newDocument('测试');
    const internals = doc as unknown as PdfkitInternals;
    const pdf = await collect(doc);
    for (let page = 1; page <= 3; page++) {
      doc.font(FONT_BOLD).text(`第${page}部分 重大事故隐患清单`);
      for (let line = 1; line <= 20; line++) doc.font(FONT_REGULAR).text(`从江县社会福利院 第${page}-${line}行 疏散通道堵塞`);
      if (page === 1) expect(internals._pageBuffer[0].content.buffer.length).toBeGreaterThan(40); // one array per operator while open
      if (page < 3) doc.addPage();
    }
    // the first two pages are finished: one array each; the open third page is untouched
    expect(internals._pageBuffer.map((p) => p.content.buffer.length)).toEqual([1, 1, expect.any(Number)]);
    expect(internals._pageBuffer[2].content.buffer.length).toBeGreaterThan(40);
    // few words: their layouts stay cached from page to page, page 1's included
    expect(cachedWords(doc)).toBeGreaterThan(60);
    const fonts = [...new Set(Object.values(internals._fontFamilies))];
    expect(fonts.some((f) => Object.keys(f.layoutCache ?? {}).some((word) => word.startsWith('第1-')))).toBe(true);

    pageNumbers(doc);
    doc.end();
    const { text, pages } = pdfText(await pdf());
    expect(pages).toBe(3);
    expect([...text.matchAll(/第\s*(\d+)\s*页\s*\/\s*共\s*(\d+)\s*页/g)].map((m) => `${m[1]}/${m[2]}`)).toEqual(['1/3', '2/3', '3/3']);
    for (let page = 1; page <= 3; page++) {
      expect(text).toContain(`第${page}部分 重大事故隐患清单`);
      expect(text).toContain(`从江县社会福利院 第${page}-20行 疏散通道堵塞`);
    }
  });

  it('lets a font hold at most LAYOUT_CACHE_WORDS word layouts past a page break', async () => {
    const doc = await newDocument('测试');
    const pdf = await collect(doc);
    const atBreaks: number[] = [];
    doc.on('pageAdded', () => atBreaks.push(cachedWords(doc)));
    const lines = LAYOUT_CACHE_WORDS + 600;
    for (let line = 1; line <= lines; line++) doc.text(`黎平县敬老院第${line}号隐患`); // new words every line; pages break as the text flows
    expect(atBreaks.length).toBeGreaterThan(lines / 80);
    // the cache grows by at most a page of new words between breaks…
    const perPage = Math.max(...atBreaks.slice(1).map((n, i) => n - atBreaks[i]));
    expect(perPage).toBeGreaterThan(0);
    expect(perPage).toBeLessThan(LAYOUT_CACHE_WORDS / 4);
    // …is dropped at the first break past the limit (it was within a page of it), and grows again
    const dropped = atBreaks.findIndex((n, i) => i > 0 && n < atBreaks[i - 1]);
    expect(dropped).toBeGreaterThan(0);
    expect(atBreaks[dropped - 1]).toBeGreaterThan(LAYOUT_CACHE_WORDS - perPage);
    expect(Math.max(...atBreaks)).toBeLessThanOrEqual(LAYOUT_CACHE_WORDS);
    doc.end();
    const { text } = pdfText(await pdf());
    expect(text).toContain('黎平县敬老院第1号隐患');
    expect(text).toContain(`黎平县敬老院第${lines}号隐患`);
  });
});

/** Where pdftotext finds each word: its left and right edges. */
function wordBoxes(bytes: Buffer): Map<string, { xMin: number; xMax: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'paicha-bbox-'));
  try {
    writeFileSync(join(dir, 'x.pdf'), bytes);
    const html = execFileSync('pdftotext', ['-bbox', join(dir, 'x.pdf'), '-'], { encoding: 'utf8' });
    return new Map(
      [...html.matchAll(/<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)<\/word>/g)].map((m) => [
        m[3],
        { xMin: Number(m[1]), xMax: Number(m[2]) },
      ]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('table', () => {
  it('sets one-line cells at their alignment and wraps the long ones inside their column', async () => {
    const doc = await newDocument('测试');
    const pdf = await collect(doc);
    const long = '一个很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长的机构名称需要换行';
    table(
      doc,
      [
        { header: '指标', width: 200 },
        { header: '数值', width: 150, align: 'right' },
        { header: '说明', width: 145, align: 'center' },
      ],
      [
        ['发现隐患', '1234', '中'],
        [long, '56.7%', '居中说明'],
      ],
    );
    doc.end();
    const boxes = wordBoxes(await pdf());
    const padding = 3;
    // right-aligned: each value ends at the column's right edge less the padding
    for (const word of ['数值', '1234', '56.7%']) expect([word, Math.round(boxes.get(word)!.xMax)]).toEqual([word, MARGIN + 350 - padding]);
    // centred: the middle of the word is the middle of the column
    for (const word of ['说明', '居中说明']) {
      const box = boxes.get(word)!;
      expect(Math.abs((box.xMin + box.xMax) / 2 - (MARGIN + 350 + 145 / 2))).toBeLessThan(1);
    }
    // left: at the padding; the long name wrapped onto more than one line, all inside its column
    expect(Math.round(boxes.get('发现隐患')!.xMin)).toBe(MARGIN + padding);
    const pieces = [...boxes].filter(([w]) => long.includes(w) && w.length > 1);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.map(([w]) => w).join('')).toBe(long);
    for (const [, box] of pieces) expect(box.xMax).toBeLessThanOrEqual(MARGIN + 200 - padding + 0.5);
  });
});
