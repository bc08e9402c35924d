import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  BY_CHILD,
  BY_TYPE,
  CHILDREN,
  WINDOW,
  type ChildRegionRow,
  type TypeRow,
  type ListRow,
  type ReportWindow,
  type SummaryRow,
} from './reports.repository.js';

/**
 * Findings that existed at month end in the subtree, with their state then.
 * A subtree's codes are one array (an index scan per code of
 * findings_region_created_idx, which carries the columns the counts read),
 * not a join the planner turns into a scan of every finding in the country.
 * The whole country (path '/') takes no filter at all: the planner cannot
 * see the array's size, and a nested loop over every finding of the country
 * ran past the statement timeout (a 500 in the national benchmark).
 */
const FINDINGS_AT_END = `
  fe AS (
    SELECT f.*, f.created_at >= b.start_at AS found_in_month,
           (f.closed_at IS NOT NULL AND f.closed_at < b.end_at) AS closed_by_end,
           b.last_day
    FROM findings f, b
    WHERE ($3 = '/%' OR f.region_code = ANY(ARRAY(SELECT code FROM sub))) AND f.created_at < b.end_at
  )`;

/**
 * The monthly report counted again from the rows themselves, every finding,
 * inspection and institution of the subtree: the definition the roll-ups
 * (ReportsRepository) are checked against in the tests and the national
 * benchmark, and that benchmark's bare-SQL baseline. Not used to serve.
 */
@Injectable()
export class ReportsRecount {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private params(w: ReportWindow): unknown[] {
    return [w.monthStart, w.timeZone, `${w.regionPath}%`];
  }

  async summary(w: ReportWindow): Promise<SummaryRow> {
    const [row] = (await this.dataSource.query(
      `WITH ${WINDOW}, ${FINDINGS_AT_END}
       SELECT
         (SELECT count(*)::int FROM institutions i WHERE i.active AND i.region_code IN (SELECT code FROM sub)) AS institutions_total,
         (SELECT count(DISTINCT x.institution_id)::int FROM inspections x, b
            WHERE x.region_code IN (SELECT code FROM sub) AND x.status = 'submitted' AND x.submitted_at >= b.start_at AND x.submitted_at < b.end_at) AS inspected,
         (SELECT count(*)::int FROM inspections x, b
            WHERE x.region_code IN (SELECT code FROM sub) AND x.status = 'submitted' AND x.submitted_at >= b.start_at AND x.submitted_at < b.end_at) AS submitted,
         (SELECT count(*)::int FROM inspections x JOIN rounds r ON r.id = x.round_id, b
            WHERE x.region_code IN (SELECT code FROM sub) AND x.status = 'missed' AND r.closed_at >= b.start_at AND r.closed_at < b.end_at) AS missed,
         count(*) FILTER (WHERE found_in_month)::int AS found,
         count(*) FILTER (WHERE found_in_month AND severity = 'major')::int AS major,
         count(*) FILTER (WHERE found_in_month AND closed_by_end)::int AS closed,
         count(*) FILTER (WHERE NOT closed_by_end)::int AS open,
         count(*) FILTER (WHERE NOT closed_by_end AND deadline <= last_day)::int AS overdue
       FROM fe`,
      this.params(w),
    )) as SummaryRow[];
    return row;
  }

  /** Each child region's whole subtree (depth 0: the country, whose children are the provinces). */
  async byChildRegion(w: ReportWindow, regionCode: string, depth: number) {
    return (await this.dataSource.query(
      `WITH ${WINDOW}, ${FINDINGS_AT_END},
       ${CHILDREN},
       inst AS (SELECT m.child, count(*)::int AS n FROM institutions i JOIN mapped m ON m.code = i.region_code WHERE i.active GROUP BY m.child),
       fnd AS (
         SELECT m.child,
                count(*) FILTER (WHERE fe.found_in_month)::int AS found,
                count(*) FILTER (WHERE fe.found_in_month AND fe.closed_by_end)::int AS closed,
                count(*) FILTER (WHERE NOT fe.closed_by_end AND fe.deadline <= fe.last_day)::int AS overdue
         FROM fe JOIN mapped m ON m.code = fe.region_code GROUP BY m.child
       )
       ${BY_CHILD}`,
      [...this.params(w), regionCode, depth],
    )) as ChildRegionRow[];
  }

  async byType(w: ReportWindow) {
    return (await this.dataSource.query(
      `WITH ${WINDOW}, ${FINDINGS_AT_END},
       inst AS (SELECT type, count(*)::int AS n FROM institutions WHERE active AND region_code IN (SELECT code FROM sub) GROUP BY type),
       fnd AS (
         SELECT i.type, count(*) FILTER (WHERE fe.found_in_month)::int AS found,
                count(*) FILTER (WHERE fe.found_in_month AND fe.closed_by_end)::int AS closed
         FROM fe JOIN institutions i ON i.id = fe.institution_id GROUP BY i.type
       )
       ${BY_TYPE}`,
      this.params(w),
    )) as TypeRow[];
  }

  async bySection(w: ReportWindow, adHocTitle: string) {
    return (await this.dataSource.query(
      `WITH ${WINDOW}, ${FINDINGS_AT_END}
       SELECT COALESCE(section_title, $4) AS section_title, count(*)::int AS found
       FROM fe WHERE found_in_month GROUP BY 1 ORDER BY 2 DESC, COALESCE(section_title, $4) COLLATE "C"`,
      [...this.params(w), adHocTitle],
    )) as { section_title: string; found: number }[];
  }

  /** Major findings found in the month, or findings overdue at month end, with their state at month end. */
  async list(w: ReportWindow, which: 'major' | 'overdue', limit: number): Promise<{ rows: ListRow[]; total: number }> {
    const filter =
      which === 'major' ? `fe.found_in_month AND fe.severity = 'major'` : `NOT fe.closed_by_end AND fe.deadline <= fe.last_day`;
    const rows = (await this.dataSource.query(
      `WITH ${WINDOW}, ${FINDINGS_AT_END}
       SELECT i.name AS institution_name, g.name AS region_name, fe.title, fe.item_code, fe.severity, fe.found_on, fe.deadline,
              CASE WHEN fe.closed_by_end THEN 'closed' WHEN fe.status = 'closed' THEN 'open' ELSE fe.status END AS status_at_end,
              fe.supervised, count(*) OVER ()::int AS total
       FROM fe JOIN institutions i ON i.id = fe.institution_id JOIN regions g ON g.code = fe.region_code
       WHERE ${filter}
       ORDER BY fe.deadline, i.name, fe.id
       LIMIT $4`,
      [...this.params(w), limit],
    )) as (ListRow & { total: number })[];
    return { rows, total: rows[0]?.total ?? 0 };
  }
}
