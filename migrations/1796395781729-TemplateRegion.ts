import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TemplateRegion1796395781729 implements MigrationInterface {
  name = 'TemplateRegion1796395781729';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "templates" ADD "region_code" character varying(9)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "templates" DROP COLUMN "region_code"`);
  }
}
