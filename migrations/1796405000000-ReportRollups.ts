import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The monthly reports' findings counts, kept up to date by triggers in the
 * same transactions that change findings (the national benchmark: counting a
 * country's findings on every request takes seconds).
 *
 * A finding contributes, by month in the report time zone, to
 * - finding_rollups (region, month): found, major and closed (found and closed
 *   in the month) in its creation month; open and overdue at month end as
 *   +1/-1 deltas at the months their state starts and ends, so a month's value
 *   is the sum of the deltas up to it;
 * - finding_type_rollups (region, month, institution type): found, closed;
 * - finding_section_rollups (region, month, checklist section, '' ad hoc): found.
 * Open at the end of month M: created by then and not closed by then
 * (cm ≤ M < clm). Overdue: open and its deadline on or before M's last day
 * (greatest(cm, dm) ≤ M < clm). The report time zone lives in
 * report_settings; the service rebuilds the roll-ups when TZ changes.
 */
export class ReportRollups1796405000000 implements MigrationInterface {
  name = 'ReportRollups1796405000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "report_settings" (
      "id" boolean PRIMARY KEY DEFAULT true CHECK ("id"),
      "time_zone" text NOT NULL)`);
    await queryRunner.query(`INSERT INTO "report_settings" ("time_zone") VALUES ('Asia/Shanghai')`);
    await queryRunner.query(`CREATE TABLE "finding_rollups" (
      "region_code" varchar(9) NOT NULL,
      "month" date NOT NULL,
      "found" integer NOT NULL DEFAULT 0,
      "major" integer NOT NULL DEFAULT 0,
      "closed" integer NOT NULL DEFAULT 0,
      "open_delta" integer NOT NULL DEFAULT 0,
      "overdue_delta" integer NOT NULL DEFAULT 0,
      PRIMARY KEY ("region_code", "month"))`);
    await queryRunner.query(`CREATE TABLE "finding_type_rollups" (
      "region_code" varchar(9) NOT NULL,
      "month" date NOT NULL,
      "institution_type" varchar(32) NOT NULL,
      "found" integer NOT NULL DEFAULT 0,
      "closed" integer NOT NULL DEFAULT 0,
      PRIMARY KEY ("region_code", "month", "institution_type"))`);
    await queryRunner.query(`CREATE TABLE "finding_section_rollups" (
      "region_code" varchar(9) NOT NULL,
      "month" date NOT NULL,
      "section_title" varchar(200) NOT NULL,
      "found" integer NOT NULL DEFAULT 0,
      PRIMARY KEY ("region_code", "month", "section_title"))`);

    // one finding's contributions to finding_rollups, by month
    await queryRunner.query(`CREATE FUNCTION "finding_rollup_deltas"(created_at timestamptz, closed_at timestamptz, deadline date, severity text, tz text)
      RETURNS TABLE ("month" date, found integer, major integer, closed integer, open_delta integer, overdue_delta integer)
      LANGUAGE sql STABLE PARALLEL SAFE AS $$
        SELECT d.* FROM
          (SELECT date_trunc('month', created_at AT TIME ZONE tz)::date AS cm,
                  date_trunc('month', closed_at AT TIME ZONE tz)::date AS clm,
                  greatest(date_trunc('month', created_at AT TIME ZONE tz)::date, date_trunc('month', deadline)::date) AS om) m,
          LATERAL (VALUES
            (m.cm, 1, (severity = 'major')::int, (m.clm IS NOT NULL AND m.clm <= m.cm)::int, (m.clm IS NULL OR m.clm > m.cm)::int, 0),
            (m.om, 0, 0, 0, 0, (m.clm IS NULL OR m.clm > m.om)::int),
            (m.clm, 0, 0, 0, -(m.clm > m.cm)::int, -(m.clm > m.om)::int)
          ) AS d("month", found, major, closed, open_delta, overdue_delta)
        WHERE d."month" IS NOT NULL
      $$`);

    // statement triggers for INSERT and DELETE (their rows as one transition table), a row trigger for the
    // rare UPDATE of a counted column, one for an institution's type, and TRUNCATE empties the roll-ups
    await queryRunner.query(`CREATE FUNCTION "findings_rollup_statement"() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        sign integer := CASE TG_OP WHEN 'DELETE' THEN -1 ELSE 1 END;
        rollup_tz text := (SELECT "time_zone" FROM "report_settings");
      BEGIN
        ${apply(`SELECT sign AS sign, c.region_code, i.type AS institution_type, c.created_at, c.closed_at, c.deadline, c.severity, c.section_title
                 FROM changed c JOIN institutions i ON i.id = c.institution_id`)}
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE FUNCTION "findings_rollup_row"() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE rollup_tz text := (SELECT "time_zone" FROM "report_settings");
      BEGIN
        ${apply(`SELECT -1 AS sign, OLD.region_code, (SELECT type FROM institutions WHERE id = OLD.institution_id) AS institution_type,
                        OLD.created_at, OLD.closed_at, OLD.deadline, OLD.severity, OLD.section_title
                 UNION ALL
                 SELECT 1, NEW.region_code, (SELECT type FROM institutions WHERE id = NEW.institution_id),
                        NEW.created_at, NEW.closed_at, NEW.deadline, NEW.severity, NEW.section_title`)}
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE FUNCTION "institutions_type_rollup_row"() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE rollup_tz text := (SELECT "time_zone" FROM "report_settings");
      BEGIN
        ${apply(`SELECT s.sign, f.region_code, s.institution_type, f.created_at, f.closed_at, f.deadline, f.severity, f.section_title
                 FROM findings f, (VALUES (-1, OLD.type::text), (1, NEW.type::text)) AS s(sign, institution_type)
                 WHERE f.institution_id = NEW.id`)}
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE FUNCTION "findings_rollup_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        TRUNCATE "finding_rollups", "finding_type_rollups", "finding_section_rollups";
        RETURN NULL;
      END $$`);
    // the whole roll-up again from the findings, in a time zone (at migration, and when TZ changes)
    await queryRunner.query(`CREATE FUNCTION "report_rollups_rebuild"(tz text) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE rollup_tz text := tz;
      BEGIN
        LOCK TABLE findings IN SHARE MODE;
        LOCK TABLE "report_settings" IN EXCLUSIVE MODE;
        UPDATE "report_settings" SET "time_zone" = tz;
        TRUNCATE "finding_rollups", "finding_type_rollups", "finding_section_rollups";
        ${apply(`SELECT 1 AS sign, f.region_code, i.type AS institution_type, f.created_at, f.closed_at, f.deadline, f.severity, f.section_title
                 FROM findings f JOIN institutions i ON i.id = f.institution_id`)}
      END $$`);

    await queryRunner.query(`CREATE TRIGGER "findings_rollup_insert" AFTER INSERT ON "findings"
      REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "findings_rollup_statement"()`);
    await queryRunner.query(`CREATE TRIGGER "findings_rollup_delete" AFTER DELETE ON "findings"
      REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "findings_rollup_statement"()`);
    await queryRunner.query(`CREATE TRIGGER "findings_rollup_update" AFTER UPDATE ON "findings" FOR EACH ROW
      WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.closed_at IS DISTINCT FROM NEW.closed_at
            OR OLD.deadline IS DISTINCT FROM NEW.deadline OR OLD.severity IS DISTINCT FROM NEW.severity
            OR OLD.region_code IS DISTINCT FROM NEW.region_code OR OLD.section_title IS DISTINCT FROM NEW.section_title
            OR OLD.institution_id IS DISTINCT FROM NEW.institution_id)
      EXECUTE FUNCTION "findings_rollup_row"()`);
    await queryRunner.query(`CREATE TRIGGER "findings_rollup_truncate" AFTER TRUNCATE ON "findings"
      FOR EACH STATEMENT EXECUTE FUNCTION "findings_rollup_truncate"()`);
    await queryRunner.query(`CREATE TRIGGER "institutions_type_rollup" AFTER UPDATE ON "institutions" FOR EACH ROW
      WHEN (OLD.type IS DISTINCT FROM NEW.type) EXECUTE FUNCTION "institutions_type_rollup_row"()`);
    await queryRunner.query(`SELECT "report_rollups_rebuild"('Asia/Shanghai')`);

    // what the summaries still count directly: active institutions, and the month's submitted inspections
    await queryRunner.query(`CREATE INDEX "institutions_active_region_type_idx" ON "institutions" ("region_code", "type") WHERE "active"`);
    await queryRunner.query(
      `CREATE INDEX "inspections_submitted_idx" ON "inspections" ("submitted_at") INCLUDE ("region_code", "institution_id") WHERE "status" = 'submitted'`,
    );
    await queryRunner.query(
      `CREATE INDEX "inspections_region_submitted_idx" ON "inspections" ("region_code", "submitted_at") INCLUDE ("institution_id") WHERE "status" = 'submitted'`,
    );
    // the monthly lists: the month's major findings, and findings open now by deadline
    await queryRunner.query(`CREATE INDEX "findings_major_created_idx" ON "findings" ("created_at") WHERE "severity" = 'major'`);
    await queryRunner.query(`CREATE INDEX "findings_open_deadline_idx" ON "findings" ("deadline") WHERE "closed_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "findings_closed_at_idx" ON "findings" ("closed_at") WHERE "closed_at" IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of [
      'findings_closed_at_idx',
      'findings_open_deadline_idx',
      'findings_major_created_idx',
      'inspections_region_submitted_idx',
      'inspections_submitted_idx',
      'institutions_active_region_type_idx',
    ])
      await queryRunner.query(`DROP INDEX "${index}"`);
    await queryRunner.query(`DROP TRIGGER "institutions_type_rollup" ON "institutions"`);
    for (const trigger of ['findings_rollup_truncate', 'findings_rollup_update', 'findings_rollup_delete', 'findings_rollup_insert'])
      await queryRunner.query(`DROP TRIGGER "${trigger}" ON "findings"`);
    for (const fn of [
      'report_rollups_rebuild(text)',
      'findings_rollup_truncate()',
      'institutions_type_rollup_row()',
      'findings_rollup_row()',
      'findings_rollup_statement()',
      'finding_rollup_deltas(timestamptz, timestamptz, date, text, text)',
    ])
      await queryRunner.query(`DROP FUNCTION "${fn.replace('(', '"(')}`);
    await queryRunner.query(`DROP TABLE "finding_section_rollups", "finding_type_rollups", "finding_rollups", "report_settings"`);
  }
}

/**
 * The three upserts that add a set of signed findings to the roll-ups. The
 * source has the columns (sign, region_code, institution_type, created_at,
 * closed_at, deadline, severity, section_title), the time zone the variable
 * rollup_tz (a parameter, so the deltas function is inlined); rows are taken in key order
 * so concurrent transactions lock them in the same order; groups that add
 * nothing are left out.
 */
function apply(source: string): string {
  return `
    INSERT INTO "finding_rollups" AS r ("region_code", "month", "found", "major", "closed", "open_delta", "overdue_delta")
    SELECT s.region_code, d.month, sum(s.sign * d.found), sum(s.sign * d.major), sum(s.sign * d.closed),
           sum(s.sign * d.open_delta), sum(s.sign * d.overdue_delta)
    FROM (${source}) s, "finding_rollup_deltas"(s.created_at, s.closed_at, s.deadline, s.severity, rollup_tz) d
    GROUP BY 1, 2
    HAVING sum(s.sign * d.found) <> 0 OR sum(s.sign * d.major) <> 0 OR sum(s.sign * d.closed) <> 0
        OR sum(s.sign * d.open_delta) <> 0 OR sum(s.sign * d.overdue_delta) <> 0
    ORDER BY 1, 2
    ON CONFLICT ("region_code", "month") DO UPDATE SET
      "found" = r."found" + EXCLUDED."found", "major" = r."major" + EXCLUDED."major", "closed" = r."closed" + EXCLUDED."closed",
      "open_delta" = r."open_delta" + EXCLUDED."open_delta", "overdue_delta" = r."overdue_delta" + EXCLUDED."overdue_delta";
    INSERT INTO "finding_type_rollups" AS r ("region_code", "month", "institution_type", "found", "closed")
    SELECT s.region_code, d.month, s.institution_type, sum(s.sign), sum(s.sign * d.closed)
    FROM (${source}) s, "finding_rollup_deltas"(s.created_at, s.closed_at, s.deadline, s.severity, rollup_tz) d
    WHERE d.found = 1
    GROUP BY 1, 2, 3
    HAVING sum(s.sign) <> 0 OR sum(s.sign * d.closed) <> 0
    ORDER BY 1, 2, 3
    ON CONFLICT ("region_code", "month", "institution_type") DO UPDATE SET
      "found" = r."found" + EXCLUDED."found", "closed" = r."closed" + EXCLUDED."closed";
    INSERT INTO "finding_section_rollups" AS r ("region_code", "month", "section_title", "found")
    SELECT s.region_code, date_trunc('month', s.created_at AT TIME ZONE rollup_tz)::date,
           COALESCE(s.section_title, ''), sum(s.sign)
    FROM (${source}) s
    GROUP BY 1, 2, 3
    HAVING sum(s.sign) <> 0
    ORDER BY 1, 2, 3
    ON CONFLICT ("region_code", "month", "section_title") DO UPDATE SET "found" = r."found" + EXCLUDED."found";`;
}
