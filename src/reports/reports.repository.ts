import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** A month in the service time zone over a region subtree: the parameters of every report query. */
export interface ReportWindow {
  /** 'YYYY-MM-01' */
  monthStart: string;
  timeZone: string;
  /** The region's materialized path, e.g. '/520000/522600/'. */
  regionPath: string;
}

export interface SummaryRow {
  institutions_total: number;
  inspected: number;
  submitted: number;
  missed: number;
  found: number;
  major: number;
  closed: number;
  open: number;
  overdue: number;
}

export interface ListRow {
  institution_name: string;
  region_name: string;
  title: string;
  item_code: string | null;
  severity: 'general' | 'major';
  found_on: string;
  deadline: string;
  status_at_end: 'open' | 'pending_verification' | 'closed';
  supervised: boolean;
}

/** The month's bounds as timestamptz in TZ ($1 month start, $2 time zone) and the subtree's regions ($3 path pattern). */
export const WINDOW = `
  b AS (
    SELECT ($1::date)::timestamp AT TIME ZONE $2 AS start_at,
           ($1::date + interval '1 month')::timestamp AT TIME ZONE $2 AS end_at,
           ($1::date + interval '1 month' - interval '1 day')::date AS last_day
  ),
  sub AS (SELECT code, path FROM regions WHERE path LIKE $3)`;

/**
 * By child region ($4 the region's code, $5 its depth; depth 0: the country,
 * whose children are the provinces): the children, and each region of the
 * subtree mapped to its child; then the rows, from CTEs inst and fnd (by child).
 */
export const CHILDREN = `
  children AS (SELECT code, name FROM regions WHERE parent_code = $4 OR ($5::int = 0 AND parent_code IS NULL)),
  mapped AS (SELECT s.code, split_part(s.path, '/', $5::int + 2) AS child FROM sub s WHERE s.code <> $4)`;
export const BY_CHILD = `
  SELECT c.code AS region_code, c.name AS region_name, COALESCE(inst.n, 0) AS institutions,
         COALESCE(fnd.found, 0) AS found, COALESCE(fnd.closed, 0) AS closed, COALESCE(fnd.overdue, 0) AS overdue
  FROM children c LEFT JOIN inst ON inst.child = c.code LEFT JOIN fnd ON fnd.child = c.code
  ORDER BY c.code`;

/** By institution type, from CTEs inst (institutions by type) and fnd (findings by type). */
export const BY_TYPE = `
  SELECT COALESCE(inst.type, fnd.type) AS type, COALESCE(inst.n, 0) AS institutions,
         COALESCE(fnd.found, 0) AS found, COALESCE(fnd.closed, 0) AS closed
  FROM inst FULL JOIN fnd ON fnd.type = inst.type
  ORDER BY 1`;

export interface TypeRow {
  type: string;
  institutions: number;
  found: number;
  closed: number;
}

export interface ChildRegionRow {
  region_code: string;
  region_name: string;
  institutions: number;
  found: number;
  closed: number;
  overdue: number;
}

/**
 * The monthly report's queries. Findings are counted from the roll-ups the
 * database keeps in the same transactions that change findings (see
 * migrations/*-ReportRollups.ts), so a report reads a row per region and
 * month instead of every finding; ReportsRecount counts the same from the
 * findings themselves, and the tests hold the two equal. Institutions and the
 * month's submitted inspections are counted directly, through partial
 * indexes that carry what the counts read.
 */
@Injectable()
export class ReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private params(w: ReportWindow): unknown[] {
    return [w.monthStart, w.timeZone, `${w.regionPath}%`];
  }

  /**
   * The condition that a region code column lies in the subtree: an array of
   * its codes (an index scan per code), or nothing for the whole country
   * (path '/'), where an array of 44,700 codes would only hide its size from
   * the planner.
   */
  private inSubtree(w: ReportWindow, column: string): string {
    return w.regionPath === '/' ? 'TRUE' : `${column} = ANY(ARRAY(SELECT code FROM sub))`;
  }

  async summary(w: ReportWindow): Promise<SummaryRow> {
    const [row] = (await this.dataSource.query(
      `WITH ${WINDOW},
       submitted AS (
         SELECT x.institution_id FROM inspections x, b
         WHERE x.status = 'submitted' AND x.submitted_at >= b.start_at AND x.submitted_at < b.end_at AND ${this.inSubtree(w, 'x.region_code')}
       ),
       fnd AS (
         SELECT COALESCE(sum(found) FILTER (WHERE month = $1::date), 0)::int AS found,
                COALESCE(sum(major) FILTER (WHERE month = $1::date), 0)::int AS major,
                COALESCE(sum(closed) FILTER (WHERE month = $1::date), 0)::int AS closed,
                COALESCE(sum(open_delta), 0)::int AS open,
                COALESCE(sum(overdue_delta), 0)::int AS overdue
         FROM finding_rollups r WHERE r.month <= $1::date AND ${this.inSubtree(w, 'r.region_code')}
       )
       SELECT
         (SELECT count(*)::int FROM institutions i WHERE i.active AND ${this.inSubtree(w, 'i.region_code')}) AS institutions_total,
         (SELECT count(DISTINCT institution_id)::int FROM submitted) AS inspected,
         (SELECT count(*)::int FROM submitted) AS submitted,
         (SELECT count(*)::int FROM inspections x JOIN rounds r ON r.id = x.round_id, b
            WHERE x.status = 'missed' AND r.closed_at >= b.start_at AND r.closed_at < b.end_at AND ${this.inSubtree(w, 'x.region_code')}) AS missed,
         fnd.*
       FROM fnd`,
      this.params(w),
    )) as SummaryRow[];
    return row;
  }

  /** Each child region's whole subtree (depth 0: the country, whose children are the provinces). */
  async byChildRegion(w: ReportWindow, regionCode: string, depth: number) {
    return (await this.dataSource.query(
      `WITH ${WINDOW},
       ${CHILDREN},
       inst AS (SELECT m.child, count(*)::int AS n FROM institutions i JOIN mapped m ON m.code = i.region_code WHERE i.active GROUP BY m.child),
       fnd AS (
         SELECT m.child,
                COALESCE(sum(r.found) FILTER (WHERE r.month = $1::date), 0)::int AS found,
                COALESCE(sum(r.closed) FILTER (WHERE r.month = $1::date), 0)::int AS closed,
                sum(r.overdue_delta)::int AS overdue
         FROM finding_rollups r JOIN mapped m ON m.code = r.region_code WHERE r.month <= $1::date GROUP BY m.child
       )
       ${BY_CHILD}`,
      [...this.params(w), regionCode, depth],
    )) as ChildRegionRow[];
  }

  /** By institution type: the types with institutions, or with findings made by the month's end. */
  async byType(w: ReportWindow) {
    return (await this.dataSource.query(
      `WITH ${WINDOW},
       inst AS (SELECT type, count(*)::int AS n FROM institutions i WHERE active AND ${this.inSubtree(w, 'i.region_code')} GROUP BY type),
       fnd AS (
         SELECT r.institution_type AS type,
                COALESCE(sum(r.found) FILTER (WHERE r.month = $1::date), 0)::int AS found,
                COALESCE(sum(r.closed) FILTER (WHERE r.month = $1::date), 0)::int AS closed
         FROM finding_type_rollups r WHERE r.month <= $1::date AND ${this.inSubtree(w, 'r.region_code')}
         GROUP BY 1 HAVING sum(r.found) > 0
       )
       ${BY_TYPE}`,
      this.params(w),
    )) as TypeRow[];
  }

  /** The month's findings by checklist section ('' in the roll-up: found outside a checklist, under adHocTitle). */
  async bySection(w: ReportWindow, adHocTitle: string) {
    return (await this.dataSource.query(
      `WITH ${WINDOW}
       SELECT COALESCE(NULLIF(r.section_title, ''), $4) AS section_title, sum(r.found)::int AS found
       FROM finding_section_rollups r WHERE r.month = $1::date AND ${this.inSubtree(w, 'r.region_code')}
       GROUP BY 1 HAVING sum(r.found) > 0
       ORDER BY 2 DESC, COALESCE(NULLIF(r.section_title, ''), $4) COLLATE "C"`,
      [...this.params(w), adHocTitle],
    )) as { section_title: string; found: number }[];
  }

  /**
   * The first rows of a list, by deadline: major findings found in the month,
   * or findings overdue at month end, with their state then. Their totals are
   * the summary's major and overdue counts. The month's bounds are constants
   * to the planner. Overdue findings still open now are read in deadline
   * order (findings_open_deadline_idx) until the list is full; those closed
   * only after the month apart, through findings_closed_at_idx: the list
   * never passes over every finding ever closed.
   */
  async list(w: ReportWindow, which: 'major' | 'overdue', limit: number): Promise<ListRow[]> {
    const region = this.inSubtree(w, 'f.region_code');
    const start = `($1::date)::timestamp AT TIME ZONE $2`;
    const end = `($1::date + interval '1 month')::timestamp AT TIME ZONE $2`;
    const lastDay = `($1::date + interval '1 month' - interval '1 day')::date`;
    const rows = (where: string) => `(
      SELECT i.name AS institution_name, g.name AS region_name, f.title, f.item_code, f.severity, f.found_on, f.deadline,
             CASE WHEN f.closed_at < ${end} THEN 'closed' WHEN f.status = 'closed' THEN 'open' ELSE f.status END AS status_at_end,
             f.supervised, f.id
      FROM findings f JOIN institutions i ON i.id = f.institution_id JOIN regions g ON g.code = f.region_code
      WHERE ${where} AND ${region}
      ORDER BY f.deadline, i.name, f.id
      LIMIT $4)`;
    const union =
      which === 'major'
        ? rows(`f.severity = 'major' AND f.created_at >= ${start} AND f.created_at < ${end}`)
        : `${rows(`f.closed_at IS NULL AND f.deadline <= ${lastDay} AND f.created_at < ${end}`)}
           UNION ALL
           ${rows(`f.closed_at >= ${end} AND f.deadline <= ${lastDay} AND f.created_at < ${end}`)}`;
    return (await this.dataSource.query(
      `WITH sub AS (SELECT code FROM regions WHERE path LIKE $3)
       SELECT institution_name, region_name, title, item_code, severity, found_on, deadline, status_at_end, supervised
       FROM (${union}) u ORDER BY deadline, institution_name, id LIMIT $4`,
      [...this.params(w), limit],
    )) as ListRow[];
  }

  /** Names of the rounds that ran in the month (started or ended in it) over or above the region. */
  async roundNames(w: ReportWindow): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `WITH ${WINDOW}
       SELECT DISTINCT r.name FROM rounds r JOIN regions g ON g.code = r.region_code, b
       WHERE (g.path LIKE $3 OR $3 LIKE g.path || '%') AND r.status <> 'draft'
         AND r.starts_on <= b.last_day AND r.ends_on >= $1::date
       ORDER BY 1`,
      this.params(w),
    )) as { name: string }[];
    return rows.map((r) => r.name);
  }
}
