import { stringify } from 'csv-stringify/sync';
import { INSTITUTION_TYPE_LABELS, type InstitutionType } from '../../common/labels.zh-CN.js';
import { LABELS, reportTitle, summaryRows, type MonthlyReport } from '../monthly-report.js';
import type { ListRow } from '../reports.repository.js';

/** The monthly report as CSV: UTF-8 with a BOM (so Excel reads the Chinese), one block per table. */
export function renderMonthlyCsv(report: MonthlyReport): Buffer {
  const rows: unknown[][] = [
    [reportTitle(report)],
    ['统计范围', `${report.regionName}（${report.regionCode}）`, '统计月份', report.month, '生成时间', report.generatedAt],
    [],
    ['指标', '数值'],
    ...summaryRows(report),
    [],
    ['地区代码', '地区', '机构数', '发现隐患', '已销号', '逾期'],
    ...report.byChildRegion.map((r) => [r.regionCode, r.regionName, r.institutions, r.found, r.closed, r.overdue]),
    [],
    ['机构类型', '机构数', '发现隐患', '已销号'],
    ...report.byType.map((t) => [INSTITUTION_TYPE_LABELS[t.type as InstitutionType] ?? t.type, t.institutions, t.found, t.closed]),
    [],
    ['检查部分', '发现隐患'],
    ...report.bySection.map((s) => [s.sectionTitle, s.found]),
    [],
    ['重大事故隐患清单'],
    ...listRows(report.majors.rows),
    [],
    ['逾期未整改隐患清单'],
    ...listRows(report.overdueList.rows),
  ];
  return Buffer.concat([Buffer.from('\uFEFF', 'utf8'), Buffer.from(stringify(rows, { record_delimiter: 'windows' }), 'utf8')]);
}

export const LIST_HEADER = ['机构', '地区', '检查项', '隐患', '等级', '发现日期', '整改期限', '月末状态', '挂牌督办'];

export function listRow(r: ListRow): unknown[] {
  return [
    r.institution_name,
    r.region_name,
    r.item_code ?? '',
    r.title,
    LABELS.severity[r.severity],
    r.found_on,
    r.deadline,
    LABELS.status[r.status_at_end],
    r.supervised ? '是' : '否',
  ];
}

function listRows(rows: ListRow[]): unknown[][] {
  return [LIST_HEADER, ...rows.map(listRow)];
}
