import type { Writable } from 'node:stream';
import { INSTITUTION_TYPE_LABELS, type InstitutionType } from '../../common/labels.zh-CN.js';
import { LABELS, percent, reportTitle, summaryRows, type MonthlyReport } from '../monthly-report.js';
import type { ListRow } from '../reports.repository.js';
import {
  barChart,
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
  type Column,
} from './pdf-kit.js';

/** The monthly report as a PDF written to `out` (pure: data in, bytes out). */
export async function renderMonthlyPdf(report: MonthlyReport, out: Writable): Promise<void> {
  const title = reportTitle(report);
  const doc = await newDocument(title);
  const done = pipeTo(doc, out);
  const width = contentWidth(doc);

  doc.font(FONT_BOLD).fontSize(16).text(title, { align: 'center', width });
  doc.font(FONT_REGULAR).fontSize(9).fillColor('#444').moveDown(0.4);
  doc.text(
    `统计范围：${report.regionName}（${report.regionCode}）及所辖地区    统计月份：${report.month}    生成时间：${report.generatedAt}（${report.timeZone}）`,
    { width },
  );
  doc.text(`排查轮次：${report.roundNames.length > 0 ? report.roundNames.join('；') : '本月无排查轮次'}`, { width });
  doc.fillColor('#000');

  heading(doc, '一、总体情况');
  const rows = summaryRows(report);
  table(
    doc,
    [
      { header: '指标', width: width * 0.6 },
      { header: '数值', width: width * 0.4, align: 'right' },
    ],
    rows,
  );

  heading(doc, '二、分地区情况');
  if (report.byChildRegion.length === 0) doc.text('（本地区无下级行政区划）', MARGIN, doc.y);
  else {
    table(
      doc,
      cols(width, [
        ['地区', 0.3],
        ['机构数', 0.14, 'right'],
        ['发现隐患', 0.14, 'right'],
        ['已销号', 0.14, 'right'],
        ['逾期', 0.14, 'right'],
        ['整改率', 0.14, 'right'],
      ]),
      report.byChildRegion.map((r) => [
        r.regionName,
        String(r.institutions),
        String(r.found),
        String(r.closed),
        String(r.overdue),
        rate(r.closed, r.found),
      ]),
    );
    barChart(
      doc,
      '图1  各地区发现与销号隐患数',
      report.byChildRegion.map((r) => r.regionName),
      [
        { name: '发现隐患', color: '#d9534f', values: report.byChildRegion.map((r) => r.found) },
        { name: '已销号', color: '#5cb85c', values: report.byChildRegion.map((r) => r.closed) },
      ],
    );
  }

  heading(doc, '三、分机构类型情况');
  table(
    doc,
    cols(width, [
      ['机构类型', 0.4],
      ['机构数', 0.15, 'right'],
      ['发现隐患', 0.15, 'right'],
      ['已销号', 0.15, 'right'],
      ['整改率', 0.15, 'right'],
    ]),
    report.byType.map((t) => [
      INSTITUTION_TYPE_LABELS[t.type as InstitutionType] ?? t.type,
      String(t.institutions),
      String(t.found),
      String(t.closed),
      rate(t.closed, t.found),
    ]),
  );

  ensureSpace(doc, 140);
  heading(doc, '四、隐患分布（按检查表部分）');
  barChart(
    doc,
    '图2  各检查部分发现隐患数',
    report.bySection.map((s) => s.sectionTitle),
    [{ name: '发现隐患', color: '#f0ad4e', values: report.bySection.map((s) => s.found) }],
  );

  heading(doc, `五、重大事故隐患清单（本月发现 ${report.majors.total} 处）`);
  listTable(doc, width, report.majors);

  heading(doc, `六、逾期未整改隐患清单（月末 ${report.overdueList.total} 处）`);
  listTable(doc, width, report.overdueList);

  ensureSpace(doc, 90);
  doc.moveDown(2).font(FONT_REGULAR).fontSize(11);
  const y = doc.y;
  doc.text('填报单位（盖章）：____________________', MARGIN, y);
  doc.text('负责人：______________', MARGIN + width * 0.62, y);
  doc.moveDown(1.2);
  doc.text('填报人：______________', MARGIN, doc.y);
  doc.text('填报日期：______年____月____日', MARGIN + width * 0.62, doc.y - doc.currentLineHeight());

  pageNumbers(doc);
  doc.end();
  return done;
}

function listTable(doc: Parameters<typeof table>[0], width: number, list: { rows: ListRow[]; total: number }): void {
  if (list.total === 0) {
    doc.text('（无）', MARGIN, doc.y);
    return;
  }
  table(
    doc,
    cols(width, [
      ['序号', 0.06, 'right'],
      ['机构', 0.19],
      ['地区', 0.1],
      ['隐患', 0.25],
      ['发现日期', 0.11],
      ['整改期限', 0.11],
      ['状态', 0.08],
      ['督办', 0.1, 'center'],
    ]),
    list.rows.map((r, i) => [
      String(i + 1),
      r.institution_name,
      r.region_name,
      r.item_code ? `${r.item_code} ${r.title}` : r.title,
      r.found_on,
      r.deadline,
      LABELS.status[r.status_at_end] ?? r.status_at_end,
      r.supervised ? '是' : '否',
    ]),
    8,
  );
  if (list.rows.length < list.total) {
    doc
      .fontSize(9)
      .fillColor('#444')
      .text(`本表列出前 ${list.rows.length} 处，共 ${list.total} 处；完整清单见同期 XLSX / CSV 月报。`, MARGIN, doc.y, { width });
    doc.fillColor('#000').fontSize(10);
  }
}

function cols(width: number, spec: [string, number, ('left' | 'right' | 'center')?][]): Column[] {
  return spec.map(([header, share, align]) => ({ header, width: width * share, align }));
}

function rate(closed: number, found: number): string {
  return percent(found === 0 ? 0 : closed / found);
}
