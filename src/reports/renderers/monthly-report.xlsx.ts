import { INSTITUTION_TYPE_LABELS, type InstitutionType } from '../../common/labels.zh-CN.js';
import { reportTitle, summaryRows, type MonthlyReport } from '../monthly-report.js';
import { LIST_HEADER, listRow } from './monthly-report.csv.js';

/** The monthly report as XLSX: sheets 汇总, 分地区, 分类型, 重大隐患, 逾期隐患, header rows frozen. */
export async function renderMonthlyXlsx(report: MonthlyReport): Promise<Buffer> {
  // loaded on first use: exceljs is tens of MB the service need not carry until someone asks for a spreadsheet
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  book.creator = 'Paicha';
  book.created = new Date();
  book.title = reportTitle(report);

  const sheet = (name: string, header: string[], widths: number[], rows: unknown[][]) => {
    const ws = book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = header.map((h, i) => ({ header: h, width: widths[i] ?? 14 }));
    ws.getRow(1).font = { bold: true };
    ws.addRows(rows);
    return ws;
  };

  const summary = sheet(
    '汇总',
    ['指标', '数值'],
    [28, 18],
    [
      ['报表', reportTitle(report)],
      ['统计范围', `${report.regionName}（${report.regionCode}）`],
      ['统计月份', report.month],
      ['生成时间', report.generatedAt],
      ...summaryRows(report),
      ['整改率（数值）', report.rectificationRate],
    ],
  );
  summary.getColumn(2).alignment = { horizontal: 'right' };
  sheet(
    '分地区',
    ['地区代码', '地区', '机构数', '发现隐患', '已销号', '逾期'],
    [12, 24, 10, 10, 10, 10],
    report.byChildRegion.map((r) => [r.regionCode, r.regionName, r.institutions, r.found, r.closed, r.overdue]),
  );
  sheet(
    '分类型',
    ['机构类型', '机构数', '发现隐患', '已销号'],
    [24, 10, 10, 10],
    report.byType.map((t) => [INSTITUTION_TYPE_LABELS[t.type as InstitutionType] ?? t.type, t.institutions, t.found, t.closed]),
  );
  const listWidths = [28, 14, 10, 40, 8, 12, 12, 10, 10];
  sheet('重大隐患', LIST_HEADER, listWidths, report.majors.rows.map(listRow));
  sheet('逾期隐患', LIST_HEADER, listWidths, report.overdueList.rows.map(listRow));
  return Buffer.from(await book.xlsx.writeBuffer());
}
