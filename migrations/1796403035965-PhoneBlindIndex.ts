import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The phone's blind index for exact search; the boot (PhoneSealer) fills it for phones stored before, since it needs DATA_KEY. */
export class PhoneBlindIndex1796403035965 implements MigrationInterface {
  name = 'PhoneBlindIndex1796403035965';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "institutions" ADD "phone_index" character varying(64)`);
    await queryRunner.query(`CREATE INDEX "institutions_phone_index_idx" ON "institutions"  ("phone_index") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."institutions_phone_index_idx"`);
    await queryRunner.query(`ALTER TABLE "institutions" DROP COLUMN "phone_index"`);
  }
}
