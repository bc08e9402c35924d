import jsQR from 'jsqr';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The text content of a DOCX: word/document.xml with its tags removed (each paragraph on a line). */
export async function docxText(bytes: Buffer): Promise<{ xml: string; text: string; media: Buffer[] }> {
  const zip = await JSZip.loadAsync(bytes);
  const xml = await zip.file('word/document.xml')!.async('string');
  const text = xml
    .replace(/<\/w:p>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
  const media = await Promise.all(
    Object.keys(zip.files)
      .filter((name) => name.startsWith('word/media/') && name.endsWith('.png'))
      .map((name) => zip.file(name)!.async('nodebuffer')),
  );
  return { xml, text, media };
}

/** What a QR code in a PNG says (undefined if none is found). */
export function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height)?.data;
}

/** The QR codes among a PDF's embedded pictures (extracted with poppler's pdfimages). */
export function pdfQrCodes(bytes: Buffer): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'paicha-qr-'));
  try {
    writeFileSync(join(dir, 'x.pdf'), bytes);
    execFileSync('pdfimages', ['-png', join(dir, 'x.pdf'), join(dir, 'img')]);
    return readdirSync(dir)
      .filter((name) => name.endsWith('.png'))
      .map((name) => decodeQr(readFileSync(join(dir, name))))
      .filter((s): s is string => s !== undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Converts a DOCX with LibreOffice headless; returns the PDF it wrote (throws if it could not open the file). */
export function libreOfficePdf(docx: Buffer): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'paicha-soffice-'));
  try {
    writeFileSync(join(dir, 'x.docx'), docx);
    execFileSync(
      'soffice',
      [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', 'pdf', '--outdir', dir, join(dir, 'x.docx')],
      {
        timeout: 120_000,
        stdio: 'pipe',
      },
    );
    return readFileSync(join(dir, 'x.pdf'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
