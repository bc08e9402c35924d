import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { pdfText } from '../../../test/helpers/pdf.js';
import { FONT_BOLD, FONT_REGULAR, newDocument, pageNumbers, pipeTo, type PdfkitInternals } from './pdf-kit.js';

/**
 * `releaseFinishedPage` reaches into pdfkit: these tests fail if an upgrade
 * moves what it relies on, instead of the monthly PDF silently growing back
 * to hundreds of megabytes.
 */
describe('a buffered document releases each finished page', () => {
  it('keeps a finished page as one byte array and drops the word layouts, and the PDF is whole', async () => {
    const doc = await newDocument('测试');
    const internals = doc as unknown as PdfkitInternals;
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const written = pipeTo(doc, out);

    for (let page = 1; page <= 3; page++) {
      doc.font(FONT_BOLD).text(`第${page}部分 重大事故隐患清单`);
      for (let line = 1; line <= 20; line++) doc.font(FONT_REGULAR).text(`从江县社会福利院 第${page}-${line}行 疏散通道堵塞`);
      if (page === 1) {
        expect(internals._pageBuffer[0].content.buffer.length).toBeGreaterThan(40); // one array per operator while the page is open
        const fonts = Object.values(internals._fontFamilies);
        expect(fonts.length).toBeGreaterThan(0);
        expect(fonts.some((f) => f.layoutCache && Object.keys(f.layoutCache).length > 0)).toBe(true);
      }
      if (page < 3) doc.addPage();
    }
    // the first two pages are finished: one array each; the open third page is untouched
    expect(internals._pageBuffer.map((p) => p.content.buffer.length)).toEqual([1, 1, expect.any(Number)]);
    expect(internals._pageBuffer[2].content.buffer.length).toBeGreaterThan(40);
    for (const font of Object.values(internals._fontFamilies)) {
      if (font.layoutCache) expect(Object.keys(font.layoutCache).filter((w) => w.includes('1-'))).toEqual([]);
    }

    pageNumbers(doc);
    doc.end();
    await written;
    const { text, pages } = pdfText(Buffer.concat(chunks));
    expect(pages).toBe(3);
    expect([...text.matchAll(/第\s*(\d+)\s*页\s*\/\s*共\s*(\d+)\s*页/g)].map((m) => `${m[1]}/${m[2]}`)).toEqual(['1/3', '2/3', '3/3']);
    for (let page = 1; page <= 3; page++) {
      expect(text).toContain(`第${page}部分 重大事故隐患清单`);
      expect(text).toContain(`从江县社会福利院 第${page}-20行 疏散通道堵塞`);
    }
  });
});
