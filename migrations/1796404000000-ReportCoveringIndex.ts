import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The monthly reports count a region subtree's findings by month: the index
 * on (region_code, created_at) now also carries what they read, so a
 * province's summary is an index-only scan of its own findings instead of
 * a pass over every finding in the country (the national benchmark).
 */
export class ReportCoveringIndex1796404000000 implements MigrationInterface {
  name = 'ReportCoveringIndex1796404000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "findings_region_created_idx"`);
    await queryRunner.query(
      `CREATE INDEX "findings_region_created_idx" ON "findings" ("region_code", "created_at") INCLUDE ("closed_at", "deadline", "severity", "institution_id", "section_title")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "findings_region_created_idx"`);
    await queryRunner.query(`CREATE INDEX "findings_region_created_idx" ON "findings" ("region_code", "created_at")`);
  }
}
