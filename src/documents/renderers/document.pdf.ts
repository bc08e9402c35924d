import { contentWidth, ensureSpace, FONT_BOLD, FONT_REGULAR, MARGIN, newDocument, table } from '../../reports/renderers/pdf-kit.js';
import { verifyLine, type DocumentLayout } from './document-layout.js';

const QR_SIZE = 84;

/** The document as an A4 PDF in Noto Sans SC (the reports' font), with its 送达回执 on a page of its own. */
export async function renderDocumentPdf(layout: DocumentLayout): Promise<Buffer> {
  const doc = await newDocument(`${layout.title} ${layout.number}`);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  const width = contentWidth(doc);
  const text = (value: string, options: PDFKit.Mixins.TextOptions = {}) => doc.text(value, MARGIN, doc.y, { width, ...options });

  doc.font(FONT_BOLD).fontSize(20).fillColor('#000');
  text(layout.title, { align: 'center' });
  doc.font(FONT_REGULAR).fontSize(11).moveDown(0.3);
  text(layout.number, { align: 'center' });
  doc.moveDown(1);
  doc.font(FONT_BOLD).fontSize(12);
  text(layout.addressee);
  doc.font(FONT_REGULAR).fontSize(10.5).moveDown(0.3);
  for (const [label, value] of layout.facts) text(`${label}：${value}`);
  doc.moveDown(0.4).fontSize(11.5);
  text(`　　${layout.intro}`, { lineGap: 3 });
  doc.moveDown(0.3);
  layout.items.forEach((lines, i) => {
    ensureSpace(doc, 40);
    doc.font(FONT_REGULAR).fontSize(11.5);
    text(`${i + 1}. ${lines[0]}`, { indent: 0, lineGap: 2 });
    doc.fontSize(10.5).fillColor('#222');
    for (const line of lines.slice(1)) doc.text(line, MARGIN + 18, doc.y, { width: width - 18, lineGap: 2 });
    doc.fillColor('#000').moveDown(0.3);
  });
  doc.fontSize(11.5).moveDown(0.3);
  for (const paragraph of layout.paragraphs) {
    text(`　　${paragraph}`, { lineGap: 3 });
    doc.moveDown(0.3);
  }
  doc.moveDown(0.8).fontSize(11);
  ensureSpace(doc, 60);
  for (const line of layout.signatures) {
    text(line);
    doc.moveDown(0.9);
  }

  // the issuer's block: QR on the left, 盖章 place and date on the right
  ensureSpace(doc, QR_SIZE + 40);
  const top = doc.y + 6;
  if (layout.verify.qrPng) doc.image(layout.verify.qrPng, MARGIN, top, { width: QR_SIZE, height: QR_SIZE });
  const right = { width: 220, align: 'center' as const };
  const rightX = MARGIN + width - 220;
  doc
    .font(FONT_BOLD)
    .fontSize(12)
    .text(layout.issuerName, rightX, top + 6, right);
  doc
    .font(FONT_REGULAR)
    .fontSize(11)
    .text('（盖章）', rightX, doc.y + 6, right);
  doc.text(layout.issuedOnText, rightX, doc.y + 6, right);
  doc.y = Math.max(doc.y, top + (layout.verify.qrPng ? QR_SIZE : 0)) + 8;
  doc.fontSize(8.5).fillColor('#444');
  text(verifyLine(layout.verify));
  doc.fillColor('#000');
  text('本文书一式两份，一份送达受送达单位，一份存档。');

  doc.addPage();
  doc.font(FONT_BOLD).fontSize(18);
  text(layout.receipt.title, { align: 'center' });
  doc.font(FONT_REGULAR).fontSize(11).moveDown(0.3);
  text(layout.number, { align: 'center' });
  doc.moveDown(1);
  table(
    doc,
    [
      { header: '项目', width: width * 0.3 },
      { header: '内容', width: width * 0.7 },
    ],
    layout.receipt.rows.map(([k, v]) => [k, v || ' ']),
    11,
  );
  doc.moveDown(1).fontSize(11);
  text(`${layout.issuerName}（盖章）`, { align: 'right' });

  doc.end();
  await ended;
  return Buffer.concat(chunks);
}
