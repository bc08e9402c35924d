import type { Writable } from 'node:stream';
import { INSTITUTION_TYPE_LABELS } from '../../common/labels.zh-CN.js';
import type { Template } from '../../templates/template.types.js';
import { LABELS } from '../monthly-report.js';
import {
  bottomLimit,
  contentWidth,
  ensureSpace,
  FONT_BOLD,
  FONT_REGULAR,
  heading,
  MARGIN,
  newDocument,
  pageNumbers,
  pipeTo,
  table,
} from './pdf-kit.js';

export interface InspectionReport {
  institutionName: string;
  regionName: string;
  roundName: string;
  kind: 'self' | 'supervisory';
  status: string;
  submittedAt: string | null;
  submittedByName: string | null;
  signature: string | null;
  generatedAt: string;
  template: Template;
  answers: { itemCode: string; result: 'pass' | 'fail' | 'na'; value?: unknown; note?: string; attachmentIds?: string[] }[];
  findings: { itemCode: string | null; title: string; severity: 'general' | 'major'; deadline: string; status: string }[];
  /** Photo bytes by attachment id (JPEG/PNG only). */
  photos: Map<string, Buffer>;
}

const RESULT = { pass: '合格', fail: '不合格', na: '不涉及' } as const;
const KIND = { self: '自查', supervisory: '督查' } as const;
const STATUS: Record<string, string> = { pending: '未开始', in_progress: '填写中', submitted: '已提交', missed: '逾期未检查' };
const PHOTOS_PER_ITEM = 3;

/** The filled checklist as a PDF: every item with its result, note and photos, the signature and the findings. */
export async function renderInspectionPdf(report: InspectionReport, out: Writable): Promise<void> {
  const title = `${report.institutionName}安全隐患排查检查表`;
  const doc = await newDocument(title);
  const done = pipeTo(doc, out);
  const width = contentWidth(doc);

  doc.font(FONT_BOLD).fontSize(16).text(title, { align: 'center', width });
  doc.font(FONT_REGULAR).fontSize(10).moveDown(0.6);
  table(
    doc,
    [
      { header: '项目', width: width * 0.25 },
      { header: '内容', width: width * 0.75 },
    ],
    [
      ['检查表', `${report.template.name}（${report.template.code} 第 ${report.template.version} 版）`],
      ['被检查机构', `${report.institutionName}（${report.regionName}）`],
      ['适用类型', report.template.institutionTypes.map((t) => INSTITUTION_TYPE_LABELS[t] ?? t).join('、')],
      ['排查轮次', `${report.roundName}（${KIND[report.kind]}）`],
      ['检查状态', STATUS[report.status] ?? report.status],
      ['提交人', report.submittedByName ?? '—'],
      ['提交时间', report.submittedAt ?? '—'],
    ],
  );

  const answers = new Map(report.answers.map((a) => [a.itemCode, a]));
  const counts = { pass: 0, fail: 0, na: 0 };
  for (const a of report.answers) counts[a.result]++;
  doc.text(
    `共 ${report.template.sections.reduce((n, s) => n + s.items.length, 0)} 项：合格 ${counts.pass} 项，不合格 ${counts.fail} 项，不涉及 ${counts.na} 项。标 * 者为重大事故隐患判定项。`,
    MARGIN,
    doc.y,
    { width },
  );

  for (const section of report.template.sections) {
    heading(doc, `${section.code}  ${section.title}`, 12);
    for (const item of section.items) {
      const answer = answers.get(item.code);
      const result = answer ? RESULT[answer.result] : '未作答';
      ensureSpace(doc, 40);
      const top = doc.y;
      doc
        .font(FONT_BOLD)
        .fontSize(9)
        .fillColor(answer?.result === 'fail' ? '#b00020' : '#000');
      doc.text(`${item.severity === 'major' ? '* ' : ''}${item.code}  ${item.text}`, MARGIN, top, { width: width - 70 });
      const textBottom = doc.y;
      doc.text(result, MARGIN + width - 64, top, { width: 64, align: 'right' });
      doc.font(FONT_REGULAR).fontSize(8).fillColor('#444');
      doc.y = textBottom;
      const details: string[] = [];
      if (answer?.value !== undefined && answer.value !== null) details.push(`读数/内容：${String(answer.value)}`);
      if (answer?.note) details.push(`说明：${answer.note}`);
      if (item.basis) details.push(`依据：${item.basis}`);
      if (details.length > 0) doc.text(details.join('    '), MARGIN + 12, doc.y, { width: width - 12 });
      const photos = (answer?.attachmentIds ?? [])
        .map((id) => report.photos.get(id))
        .filter((b): b is Buffer => b !== undefined)
        .slice(0, PHOTOS_PER_ITEM);
      if (photos.length > 0) {
        const size = 110;
        if (doc.y + size + 6 > bottomLimit(doc)) doc.addPage();
        const y = doc.y + 3;
        photos.forEach((bytes, i) => {
          try {
            doc.image(bytes, MARGIN + 12 + i * (size + 8), y, { fit: [size, size] });
          } catch {
            doc.fontSize(8).text('（照片无法嵌入）', MARGIN + 12 + i * (size + 8), y);
          }
        });
        doc.y = y + size + 4;
      }
      doc.fillColor('#000').moveDown(0.3);
    }
  }

  heading(doc, `本次检查发现的隐患（${report.findings.length} 处）`);
  if (report.findings.length === 0) doc.text('（无）', MARGIN, doc.y);
  else {
    table(
      doc,
      [
        { header: '检查项', width: width * 0.1 },
        { header: '隐患', width: width * 0.46 },
        { header: '等级', width: width * 0.1 },
        { header: '整改期限', width: width * 0.17 },
        { header: '状态', width: width * 0.17 },
      ],
      report.findings.map((f) => [f.itemCode ?? '', f.title, LABELS.severity[f.severity], f.deadline, LABELS.status[f.status] ?? f.status]),
    );
  }

  ensureSpace(doc, 110);
  heading(doc, '签字确认');
  if (report.signature?.startsWith('data:image/png;base64,') || report.signature?.startsWith('data:image/jpeg;base64,')) {
    try {
      doc.image(Buffer.from(report.signature.split(',')[1], 'base64'), MARGIN, doc.y, { fit: [200, 70] });
      doc.y += 74;
    } catch {
      doc.text('（签名图像无法显示）', MARGIN, doc.y);
    }
  } else {
    doc.text(`检查人（签字）：${report.signature ?? '____________'}`, MARGIN, doc.y);
  }
  doc.text(`打印时间：${report.generatedAt}`, MARGIN, doc.y + 6);

  pageNumbers(doc);
  doc.end();
  return done;
}
