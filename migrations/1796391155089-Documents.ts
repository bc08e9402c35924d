import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Documents1796391155089 implements MigrationInterface {
  name = 'Documents1796391155089';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "documents" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" character varying(32) NOT NULL, "number" character varying(120) NOT NULL, "region_code" character varying(9) NOT NULL, "year" integer NOT NULL, "serial" integer NOT NULL, "issuer_name" character varying(200) NOT NULL, "institution_id" uuid NOT NULL, "institution_region_code" character varying(9) NOT NULL, "inspection_id" uuid, "finding_ids" uuid array NOT NULL, "refers_to" uuid, "supervised_finding_id" uuid, "issued_by" uuid NOT NULL, "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL, "issued_on" date NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'issued', "served_at" TIMESTAMP WITH TIME ZONE, "received_by" character varying(100), "received_on" date, "serve_method" character varying(32), "revoked_reason" text, "revoked_at" TIMESTAMP WITH TIME ZONE, "verify_code" character varying(32) NOT NULL, "sha256" character(64) NOT NULL, "docx_sha256" character(64) NOT NULL, "content" jsonb NOT NULL, CONSTRAINT "documents_serial_check" CHECK ("serial" >= 1), CONSTRAINT "documents_status_check" CHECK ("status" IN ('issued', 'served', 'revoked')), CONSTRAINT "documents_kind_check" CHECK ("kind" IN ('rectification_notice', 'recheck_opinion', 'supervision_notice')), CONSTRAINT "PK_ac51aa5181ee2036f5ca482857c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "documents_institution_idx" ON "documents"  ("institution_id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "documents_one_supervision_key" ON "documents"  ("supervised_finding_id") WHERE "kind" = 'supervision_notice' AND "status" <> 'revoked'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "documents_one_recheck_key" ON "documents"  ("refers_to") WHERE "kind" = 'recheck_opinion' AND "status" <> 'revoked'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "documents_one_notice_key" ON "documents"  ("inspection_id") WHERE "kind" = 'rectification_notice' AND "status" <> 'revoked'`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "documents_verify_code_key" ON "documents"  ("verify_code") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "documents_number_key" ON "documents"  ("region_code", "kind", "year", "serial") `);
    await queryRunner.query(
      `CREATE TABLE "document_counters" ("region_code" character varying(9) NOT NULL, "kind" character varying(32) NOT NULL, "year" integer NOT NULL, "n" integer NOT NULL, CONSTRAINT "document_counters_n_check" CHECK ("n" >= 0), CONSTRAINT "PK_14893c08bdfb4875af92e48dd07" PRIMARY KEY ("region_code", "kind", "year"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "region_document_settings" ("region_code" character varying(9) NOT NULL, "issuer_name" character varying(200) NOT NULL, "prefixes" jsonb NOT NULL, "updated_by" uuid, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_edb9a1d8135927d164f99d6b247" PRIMARY KEY ("region_code"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "region_document_settings"`);
    await queryRunner.query(`DROP TABLE "document_counters"`);
    await queryRunner.query(`DROP INDEX "public"."documents_number_key"`);
    await queryRunner.query(`DROP INDEX "public"."documents_verify_code_key"`);
    await queryRunner.query(`DROP INDEX "public"."documents_one_notice_key"`);
    await queryRunner.query(`DROP INDEX "public"."documents_one_recheck_key"`);
    await queryRunner.query(`DROP INDEX "public"."documents_one_supervision_key"`);
    await queryRunner.query(`DROP INDEX "public"."documents_institution_idx"`);
    await queryRunner.query(`DROP TABLE "documents"`);
  }
}
