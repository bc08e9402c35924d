import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An answer's `saved_at`: when the server stored it, now that `answered_at`
 * may come from a device's clock (offline work). Until now the two were the
 * same, so existing answers take their `answered_at`.
 */
export class AnswerSavedAt1796382386727 implements MigrationInterface {
  name = 'AnswerSavedAt1796382386727';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "answers" ADD "saved_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`UPDATE "answers" SET "saved_at" = "answered_at"`);
    await queryRunner.query(`ALTER TABLE "answers" ALTER COLUMN "saved_at" SET DEFAULT now()`);
    await queryRunner.query(`ALTER TABLE "answers" ALTER COLUMN "saved_at" SET NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "answers" DROP COLUMN "saved_at"`);
  }
}
