import type { ListRow } from './reports.repository.js';
import { FINDING_STATUS_LABELS } from '../common/labels.zh-CN.js';

/** The contract's summary (GET /reports/summary). */
export interface MonthlySummary {
  regionCode: string;
  regionName: string;
  month: string;
  institutions: { total: number; inspected: number };
  inspections: { submitted: number; missed: number };
  findings: { found: number; major: number; closed: number; open: number; overdue: number };
  rectificationRate: number;
  byType: { type: string; institutions: number; found: number; closed: number }[];
  byChildRegion: { regionCode: string; regionName: string; institutions: number; found: number; closed: number; overdue: number }[];
  bySection: { sectionTitle: string; found: number }[];
}

/** Everything a monthly report file shows: the summary, the lists and the heading facts. */
export interface MonthlyReport extends MonthlySummary {
  generatedAt: string;
  timeZone: string;
  roundNames: string[];
  majors: { rows: ListRow[]; total: number };
  overdueList: { rows: ListRow[]; total: number };
}

/** Chinese labels used by every renderer. */
export const LABELS = {
  status: FINDING_STATUS_LABELS as Record<string, string>,
  severity: { major: '重大', general: '一般' } as Record<string, string>,
  adHocSection: '临时检查发现',
  nation: '全国',
};

export function reportTitle(report: Pick<MonthlyReport, 'regionName' | 'month'>): string {
  const [year, month] = report.month.split('-');
  return `${report.regionName}民政服务机构安全隐患排查整治月报（${year}年${Number(month)}月）`;
}

export function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/** The summary as labelled rows, in the order every format shows them. */
export function summaryRows(report: MonthlySummary): [string, string][] {
  return [
    ['纳入排查机构数', String(report.institutions.total)],
    ['本月已检查机构数', String(report.institutions.inspected)],
    ['本月提交检查表', String(report.inspections.submitted)],
    ['本月逾期未检查', String(report.inspections.missed)],
    ['本月发现隐患', String(report.findings.found)],
    ['其中重大事故隐患', String(report.findings.major)],
    ['本月发现且已整改销号', String(report.findings.closed)],
    ['月末未整改隐患', String(report.findings.open)],
    ['月末逾期未整改隐患', String(report.findings.overdue)],
    ['整改率', percent(report.rectificationRate)],
  ];
}
