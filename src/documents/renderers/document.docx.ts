import { verifyLine, type DocumentLayout } from './document-layout.js';

const FONT = { ascii: 'SimSun', hAnsi: 'SimSun', eastAsia: '宋体', cs: 'SimSun' };
const HEADING_FONT = { ascii: 'SimHei', hAnsi: 'SimHei', eastAsia: '黑体', cs: 'SimHei' };

/** The same layout as a Word file, for bureaus that edit before printing (docx, loaded on first use). */
export async function renderDocumentDocx(layout: DocumentLayout): Promise<Buffer> {
  const d = await import('docx');
  const run = (text: string, size = 24, bold = false) => new d.TextRun({ text, size, bold, font: bold ? HEADING_FONT : FONT });
  const para = (
    text: string,
    options: { size?: number; bold?: boolean; align?: 'center' | 'right' | 'left'; indent?: boolean; after?: number } = {},
  ) =>
    new d.Paragraph({
      children: [run(text, options.size ?? 24, options.bold ?? false)],
      alignment:
        options.align === 'center' ? d.AlignmentType.CENTER : options.align === 'right' ? d.AlignmentType.RIGHT : d.AlignmentType.LEFT,
      indent: options.indent ? { firstLine: 480 } : undefined,
      spacing: { after: options.after ?? 80, line: 360 },
    });

  const body = [
    para(layout.title, { size: 40, bold: true, align: 'center', after: 120 }),
    para(layout.number, { align: 'center', after: 240 }),
    para(layout.addressee, { bold: true }),
    ...layout.facts.map(([label, value]) => para(`${label}：${value}`)),
    para(layout.intro, { indent: true }),
    ...layout.items.flatMap((lines, i) => [
      para(`${i + 1}. ${lines[0]}`),
      ...lines.slice(1).map((line) => new d.Paragraph({ children: [run(line, 22)], indent: { left: 420 }, spacing: { after: 60 } })),
    ]),
    ...layout.paragraphs.map((p) => para(p, { indent: true })),
    para('', { after: 240 }),
    ...layout.signatures.map((line) => para(line, { after: 240 })),
    para(layout.issuerName, { bold: true, align: 'right' }),
    para('（盖章）', { align: 'right' }),
    para(layout.issuedOnText, { align: 'right', after: 200 }),
  ];
  if (layout.verify.qrPng) {
    body.push(
      new d.Paragraph({
        children: [
          new d.ImageRun({
            type: 'png',
            data: layout.verify.qrPng,
            transformation: { width: 112, height: 112 },
            altText: { name: 'qr', title: '核验二维码', description: layout.verify.url ?? '' },
          }),
        ],
      }),
    );
  }
  body.push(para(verifyLine(layout.verify), { size: 18 }), para('本文书一式两份，一份送达受送达单位，一份存档。', { size: 18 }));

  const cell = (text: string, width: number) =>
    new d.TableCell({
      width: { size: width, type: d.WidthType.PERCENTAGE },
      children: [new d.Paragraph({ children: [run(text || ' ', 24)], spacing: { before: 120, after: 120 } })],
    });
  const receipt = [
    new d.Paragraph({ children: [run(layout.receipt.title, 36, true)], alignment: d.AlignmentType.CENTER, pageBreakBefore: true }),
    para(layout.number, { align: 'center', after: 240 }),
    new d.Table({
      width: { size: 100, type: d.WidthType.PERCENTAGE },
      rows: layout.receipt.rows.map(([label, value]) => new d.TableRow({ children: [cell(label, 30), cell(value, 70)] })),
    }),
    para('', { after: 240 }),
    para(`${layout.issuerName}（盖章）`, { align: 'right' }),
  ];

  const document = new d.Document({
    creator: 'Paicha 排查',
    title: `${layout.title} ${layout.number}`,
    styles: { default: { document: { run: { font: FONT, size: 24 } } } },
    sections: [
      {
        properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 1440, bottom: 1440, left: 1587, right: 1474 } } },
        children: [...body, ...receipt],
      },
    ],
  });
  return d.Packer.toBuffer(document);
}
