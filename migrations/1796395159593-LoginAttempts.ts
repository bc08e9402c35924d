import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LoginAttempts1796395159593 implements MigrationInterface {
  name = 'LoginAttempts1796395159593';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "login_attempts" ("key" character(64) NOT NULL, "window_start" TIMESTAMP WITH TIME ZONE NOT NULL, "attempts" integer NOT NULL, CONSTRAINT "PK_f90e70c50d5744e4d9f41dd397c" PRIMARY KEY ("key"))`,
    );
    await queryRunner.query(`CREATE INDEX "login_attempts_window_start_idx" ON "login_attempts"  ("window_start") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."login_attempts_window_start_idx"`);
    await queryRunner.query(`DROP TABLE "login_attempts"`);
  }
}
