import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Identity1796023093778 implements MigrationInterface {
  name = 'Identity1796023093778';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_events" ("seq" bigint NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "actor_id" uuid, "action" character varying(64) NOT NULL, "entity" character varying(32) NOT NULL, "entity_id" character varying(128), "region_code" character varying(9), "data" jsonb NOT NULL, "hash" character(64) NOT NULL, CONSTRAINT "PK_6e299f5706e715265416fefe53e" PRIMARY KEY ("seq"))`,
    );
    await queryRunner.query(`CREATE INDEX "audit_events_region_idx" ON "audit_events"  ("region_code", "seq") `);
    await queryRunner.query(`CREATE INDEX "audit_events_entity_idx" ON "audit_events"  ("entity", "entity_id", "seq") `);
    await queryRunner.query(
      `CREATE TABLE "regions" ("code" character varying(9) NOT NULL, "name" character varying(100) NOT NULL, "level" character varying(10) NOT NULL, "parent_code" character varying(9), "path" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "regions_code_check" CHECK ("code" ~ '^[0-9]{6}([0-9]{3})?$'), CONSTRAINT "regions_level_check" CHECK ("level" IN ('province', 'city', 'county', 'township')), CONSTRAINT "PK_4f6dc5a464961e7c65a395ea4c6" PRIMARY KEY ("code"))`,
    );
    await queryRunner.query(`CREATE INDEX "regions_parent_code_idx" ON "regions"  ("parent_code") `);
    await queryRunner.query(
      `CREATE TABLE "institutions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "type" character varying(32) NOT NULL, "region_code" character varying(9) NOT NULL, "address" character varying(300), "beds" integer, "credit_code" character varying(18), "head_name" character varying(100), "phone" character varying(40), "active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "institutions_beds_check" CHECK ("beds" IS NULL OR "beds" >= 0), CONSTRAINT "institutions_type_check" CHECK ("type" IN ('elderly_care', 'child_welfare', 'minor_protection', 'relief_station', 'mental_health', 'funeral', 'community_elderly', 'other')), CONSTRAINT "PK_0be7539dcdba335470dc05e9690" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "institutions_credit_code_key" ON "institutions"  ("credit_code") `);
    await queryRunner.query(`CREATE INDEX "institutions_region_type_idx" ON "institutions"  ("region_code", "type") `);
    await queryRunner.query(`CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "username" character varying(64) NOT NULL, "password_hash" text NOT NULL, "display_name" character varying(100) NOT NULL, "role" character varying(20) NOT NULL, "region_code" character varying(9), "institution_id" uuid, "active" boolean NOT NULL DEFAULT true, "token_version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "users_role_scope_check" CHECK (("role" = 'admin' AND "region_code" IS NULL AND "institution_id" IS NULL)
   OR ("role" IN ('bureau', 'inspector') AND "region_code" IS NOT NULL AND "institution_id" IS NULL)
   OR ("role" = 'institution_head' AND "institution_id" IS NOT NULL AND "region_code" IS NULL)), CONSTRAINT "users_role_check" CHECK ("role" IN ('admin', 'bureau', 'inspector', 'institution_head')), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "users_institution_idx" ON "users"  ("institution_id") `);
    await queryRunner.query(`CREATE INDEX "users_role_region_idx" ON "users"  ("role", "region_code") `);
    await queryRunner.query(
      `ALTER TABLE "regions" ADD CONSTRAINT "regions_parent_code_fkey" FOREIGN KEY ("parent_code") REFERENCES "regions"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "institutions" ADD CONSTRAINT "institutions_region_code_fkey" FOREIGN KEY ("region_code") REFERENCES "regions"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "users_region_code_fkey" FOREIGN KEY ("region_code") REFERENCES "regions"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "users_institution_id_fkey" FOREIGN KEY ("institution_id") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // by hand: what TypeORM's metadata cannot express
    // subtree queries: path LIKE '/520000/%' as an index range scan in any collation
    await queryRunner.query(`CREATE INDEX "regions_path_idx" ON "regions" ("path" text_pattern_ops)`);
    // usernames are unique regardless of case
    await queryRunner.query(`CREATE UNIQUE INDEX "users_username_lower_key" ON "users" (lower("username"))`);
    // the audit trail: numbered by a sequence taken under the append lock, append-only in the database itself
    await queryRunner.query(`CREATE SEQUENCE "audit_events_seq" AS bigint START 1`);
    await queryRunner.query(`CREATE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
    $$`);
    await queryRunner.query(
      `CREATE TRIGGER "audit_events_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events" FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "audit_events_no_truncate" ON "audit_events"`);
    await queryRunner.query(`DROP TRIGGER "audit_events_no_update_delete" ON "audit_events"`);
    await queryRunner.query(`DROP FUNCTION "audit_events_append_only"()`);
    await queryRunner.query(`DROP SEQUENCE "audit_events_seq"`);
    await queryRunner.query(`DROP INDEX "users_username_lower_key"`);
    await queryRunner.query(`DROP INDEX "regions_path_idx"`);
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "users_institution_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "users_region_code_fkey"`);
    await queryRunner.query(`ALTER TABLE "institutions" DROP CONSTRAINT "institutions_region_code_fkey"`);
    await queryRunner.query(`ALTER TABLE "regions" DROP CONSTRAINT "regions_parent_code_fkey"`);
    await queryRunner.query(`DROP INDEX "public"."users_role_region_idx"`);
    await queryRunner.query(`DROP INDEX "public"."users_institution_idx"`);
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`DROP INDEX "public"."institutions_region_type_idx"`);
    await queryRunner.query(`DROP INDEX "public"."institutions_credit_code_key"`);
    await queryRunner.query(`DROP TABLE "institutions"`);
    await queryRunner.query(`DROP INDEX "public"."regions_parent_code_idx"`);
    await queryRunner.query(`DROP TABLE "regions"`);
    await queryRunner.query(`DROP INDEX "public"."audit_events_entity_idx"`);
    await queryRunner.query(`DROP INDEX "public"."audit_events_region_idx"`);
    await queryRunner.query(`DROP TABLE "audit_events"`);
  }
}
