import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 双随机、一公开: the current draw of a round, recusals (回避), publications, and
 * the inspection's `assignee_ids` (its `assignee_id` stays, the first of them;
 * existing assignments become one-element lists before the check is added).
 */
export class Draws1796391696144 implements MigrationInterface {
  name = 'Draws1796391696144';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "draws" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "round_id" uuid NOT NULL, "algorithm" character varying(32) NOT NULL, "seed" character varying(200) NOT NULL, "parameters" jsonb NOT NULL, "population_count" integer NOT NULL, "population_sha256" character(64) NOT NULL, "population" jsonb NOT NULL, "pool" jsonb NOT NULL, "recusals" jsonb NOT NULL, "strata" jsonb NOT NULL, "selected" jsonb NOT NULL, "drawn_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "drawn_by" uuid NOT NULL, CONSTRAINT "draws_population_count_check" CHECK ("population_count" >= 0), CONSTRAINT "PK_abe4e6df5ea65731c53b968f8d1" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "draws_round_key" ON "draws"  ("round_id") `);
    await queryRunner.query(
      `CREATE TABLE "recusals" ("user_id" uuid NOT NULL, "institution_id" uuid NOT NULL, "reason" character varying(500) NOT NULL, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "recusals_pkey" PRIMARY KEY ("user_id", "institution_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "recusals_institution_idx" ON "recusals"  ("institution_id") `);
    await queryRunner.query(
      `CREATE TABLE "round_publications" ("round_id" uuid NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_by" uuid NOT NULL, CONSTRAINT "round_publications_pkey" PRIMARY KEY ("round_id"))`,
    );
    await queryRunner.query(`ALTER TABLE "inspections" ADD "assignee_ids" uuid array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`UPDATE "inspections" SET "assignee_ids" = ARRAY["assignee_id"] WHERE "assignee_id" IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "inspections_assignee_ids_idx" ON "inspections" USING gin ("assignee_ids")`);
    await queryRunner.query(
      `ALTER TABLE "inspections" ADD CONSTRAINT "inspections_assignees_check" CHECK (("assignee_id" IS NULL AND cardinality("assignee_ids") = 0) OR "assignee_ids"[1] = "assignee_id")`,
    );
    await queryRunner.query(
      `ALTER TABLE "draws" ADD CONSTRAINT "draws_round_id_fkey" FOREIGN KEY ("round_id") REFERENCES "rounds"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "draws" ADD CONSTRAINT "draws_drawn_by_fkey" FOREIGN KEY ("drawn_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "recusals" ADD CONSTRAINT "recusals_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "recusals" ADD CONSTRAINT "recusals_institution_id_fkey" FOREIGN KEY ("institution_id") REFERENCES "institutions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "round_publications" ADD CONSTRAINT "round_publications_round_id_fkey" FOREIGN KEY ("round_id") REFERENCES "rounds"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "round_publications" DROP CONSTRAINT "round_publications_round_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "recusals" DROP CONSTRAINT "recusals_institution_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "recusals" DROP CONSTRAINT "recusals_user_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "draws" DROP CONSTRAINT "draws_drawn_by_fkey"`);
    await queryRunner.query(`ALTER TABLE "draws" DROP CONSTRAINT "draws_round_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "inspections" DROP CONSTRAINT "inspections_assignees_check"`);
    await queryRunner.query(`DROP INDEX "public"."inspections_assignee_ids_idx"`);
    await queryRunner.query(`ALTER TABLE "inspections" DROP COLUMN "assignee_ids"`);
    await queryRunner.query(`DROP TABLE "round_publications"`);
    await queryRunner.query(`DROP INDEX "public"."recusals_institution_idx"`);
    await queryRunner.query(`DROP TABLE "recusals"`);
    await queryRunner.query(`DROP INDEX "public"."draws_round_key"`);
    await queryRunner.query(`DROP TABLE "draws"`);
  }
}
