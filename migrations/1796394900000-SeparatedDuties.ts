import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 三权分立: the roles security_admin and auditor, placed like the admin (no region, no institution). */
export class SeparatedDuties1796394900000 implements MigrationInterface {
  name = 'SeparatedDuties1796394900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "users_role_check"`);
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "users_role_scope_check"`);
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "users_role_check" CHECK ("role" IN ('admin', 'security_admin', 'auditor', 'bureau', 'inspector', 'institution_head'))`,
    );
    await queryRunner.query(`ALTER TABLE "users" ADD CONSTRAINT "users_role_scope_check" CHECK (("role" IN ('admin', 'security_admin', 'auditor') AND "region_code" IS NULL AND "institution_id" IS NULL)
   OR ("role" IN ('bureau', 'inspector') AND "region_code" IS NOT NULL AND "institution_id" IS NULL)
   OR ("role" = 'institution_head' AND "institution_id" IS NOT NULL AND "region_code" IS NULL))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "users_role_check"`);
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "users_role_scope_check"`);
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "users_role_check" CHECK ("role" IN ('admin', 'bureau', 'inspector', 'institution_head'))`,
    );
    await queryRunner.query(`ALTER TABLE "users" ADD CONSTRAINT "users_role_scope_check" CHECK (("role" = 'admin' AND "region_code" IS NULL AND "institution_id" IS NULL)
   OR ("role" IN ('bureau', 'inspector') AND "region_code" IS NOT NULL AND "institution_id" IS NULL)
   OR ("role" = 'institution_head' AND "institution_id" IS NOT NULL AND "region_code" IS NULL))`);
  }
}
