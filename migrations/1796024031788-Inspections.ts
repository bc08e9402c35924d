import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Inspections1796024031788 implements MigrationInterface {
  name = 'Inspections1796024031788';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "attachments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "filename" character varying(255) NOT NULL, "content_type" character varying(100) NOT NULL, "size" bigint NOT NULL, "sha256" character(64) NOT NULL, "uploaded_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5e1f050bcff31e3084a1d662412" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "attachments_uploaded_by_idx" ON "attachments"  ("uploaded_by") `);
    await queryRunner.query(`CREATE INDEX "attachments_sha256_idx" ON "attachments"  ("sha256") `);
    await queryRunner.query(
      `CREATE TABLE "rounds" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "kind" character varying(16) NOT NULL, "region_code" character varying(9) NOT NULL, "starts_on" date NOT NULL, "ends_on" date NOT NULL, "institution_types" character varying array NOT NULL, "templates" jsonb NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'draft', "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "opened_at" TIMESTAMP WITH TIME ZONE, "closed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "rounds_dates_check" CHECK ("starts_on" <= "ends_on"), CONSTRAINT "rounds_status_check" CHECK ("status" IN ('draft', 'open', 'closed')), CONSTRAINT "rounds_kind_check" CHECK ("kind" IN ('self', 'supervisory')), CONSTRAINT "PK_9d254884a20817016e2f877c7e7" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "rounds_region_idx" ON "rounds"  ("region_code") `);
    await queryRunner.query(
      `CREATE TABLE "templates" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" character varying(64) NOT NULL, "version" integer NOT NULL, "name" character varying(200) NOT NULL, "description" text, "institution_types" character varying array NOT NULL, "sections" jsonb NOT NULL, "content_hash" character(64) NOT NULL, "source" character varying(16) NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "templates_source_check" CHECK ("source" IN ('builtin', 'api')), CONSTRAINT "templates_version_check" CHECK ("version" >= 1), CONSTRAINT "PK_515948649ce0bbbe391de702ae5" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "templates_code_version_key" ON "templates"  ("code", "version") `);
    await queryRunner.query(
      `CREATE TABLE "inspections" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "round_id" uuid NOT NULL, "institution_id" uuid NOT NULL, "region_code" character varying(9) NOT NULL, "template_id" uuid NOT NULL, "template_version" integer NOT NULL, "kind" character varying(16) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "assignee_id" uuid, "submitted_at" TIMESTAMP WITH TIME ZONE, "submitted_by" uuid, "signature" text, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "inspections_status_check" CHECK ("status" IN ('pending', 'in_progress', 'submitted', 'missed')), CONSTRAINT "inspections_kind_check" CHECK ("kind" IN ('self', 'supervisory')), CONSTRAINT "PK_a484980015782324454d8c88abe" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "inspections_assignee_idx" ON "inspections"  ("assignee_id") `);
    await queryRunner.query(`CREATE INDEX "inspections_institution_idx" ON "inspections"  ("institution_id") `);
    await queryRunner.query(`CREATE INDEX "inspections_region_idx" ON "inspections"  ("region_code") `);
    await queryRunner.query(`CREATE INDEX "inspections_round_status_idx" ON "inspections"  ("round_id", "status") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "inspections_round_institution_key" ON "inspections"  ("round_id", "institution_id") `);
    await queryRunner.query(
      `CREATE TABLE "findings" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "inspection_id" uuid, "institution_id" uuid NOT NULL, "region_code" character varying(9) NOT NULL, "item_code" character varying(32), "section_title" character varying(200), "title" character varying(1000) NOT NULL, "description" text NOT NULL DEFAULT '', "severity" character varying(16) NOT NULL, "status" character varying(24) NOT NULL DEFAULT 'open', "found_on" date NOT NULL, "deadline" date NOT NULL, "overdue" boolean NOT NULL DEFAULT false, "overdue_since" date, "supervised" boolean NOT NULL DEFAULT false, "rectification" jsonb, "attachment_ids" uuid array NOT NULL DEFAULT '{}', "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "closed_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL DEFAULT '1', CONSTRAINT "findings_supervised_check" CHECK ("severity" <> 'major' OR "supervised"), CONSTRAINT "findings_closed_check" CHECK (("status" = 'closed') = ("closed_at" IS NOT NULL)), CONSTRAINT "findings_status_check" CHECK ("status" IN ('open', 'pending_verification', 'closed')), CONSTRAINT "findings_severity_check" CHECK ("severity" IN ('general', 'major')), CONSTRAINT "PK_ae9807d6293c23c13ff8804d09c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "findings_status_deadline_idx" ON "findings"  ("status", "deadline") `);
    await queryRunner.query(`CREATE INDEX "findings_institution_idx" ON "findings"  ("institution_id") `);
    await queryRunner.query(`CREATE INDEX "findings_region_created_idx" ON "findings"  ("region_code", "created_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "findings_inspection_item_key" ON "findings"  ("inspection_id", "item_code") `);
    await queryRunner.query(
      `CREATE TABLE "finding_events" ("id" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL, "finding_id" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "actor_id" uuid, "action" character varying(32) NOT NULL, "data" jsonb NOT NULL, CONSTRAINT "PK_b7ee872a1f9f337d74e0ea08c6b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "finding_events_finding_idx" ON "finding_events"  ("finding_id", "at") `);
    await queryRunner.query(
      `CREATE TABLE "answers" ("inspection_id" uuid NOT NULL, "item_code" character varying(32) NOT NULL, "result" character varying(8) NOT NULL, "value" jsonb, "note" text, "attachment_ids" uuid array, "answered_by" uuid NOT NULL, "answered_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "answers_result_check" CHECK ("result" IN ('pass', 'fail', 'na')), CONSTRAINT "PK_1f15a1bdf9e53384e233dd297ab" PRIMARY KEY ("inspection_id", "item_code"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "notifications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "recipient_id" uuid NOT NULL, "kind" character varying(32) NOT NULL, "finding_id" uuid NOT NULL, "message" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "read_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "notifications_kind_check" CHECK ("kind" IN ('finding_created', 'deadline_reminder', 'overdue', 'escalation', 'rectification_submitted', 'rectification_rejected')), CONSTRAINT "PK_6a72c3c0f683f6462415e653c3a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "notifications_recipient_idx" ON "notifications"  ("recipient_id", "created_at") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "notifications_finding_kind_recipient_key" ON "notifications"  ("finding_id", "kind", "recipient_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "rounds" ADD CONSTRAINT "rounds_region_code_fkey" FOREIGN KEY ("region_code") REFERENCES "regions"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "inspections" ADD CONSTRAINT "inspections_round_id_fkey" FOREIGN KEY ("round_id") REFERENCES "rounds"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "inspections" ADD CONSTRAINT "inspections_institution_id_fkey" FOREIGN KEY ("institution_id") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "inspections" ADD CONSTRAINT "inspections_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "templates"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "inspections" ADD CONSTRAINT "inspections_assignee_id_fkey" FOREIGN KEY ("assignee_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "findings" ADD CONSTRAINT "findings_inspection_id_fkey" FOREIGN KEY ("inspection_id") REFERENCES "inspections"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "findings" ADD CONSTRAINT "findings_institution_id_fkey" FOREIGN KEY ("institution_id") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "finding_events" ADD CONSTRAINT "finding_events_finding_id_fkey" FOREIGN KEY ("finding_id") REFERENCES "findings"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "answers" ADD CONSTRAINT "answers_inspection_id_fkey" FOREIGN KEY ("inspection_id") REFERENCES "inspections"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // by hand: notifications point at their recipient and finding; attachments are found by the answers and findings that use them
    await queryRunner.query(
      `ALTER TABLE "notifications" ADD CONSTRAINT "notifications_recipient_id_fkey" FOREIGN KEY ("recipient_id") REFERENCES "users"("id") ON DELETE CASCADE`,
    );
    await queryRunner.query(
      `ALTER TABLE "notifications" ADD CONSTRAINT "notifications_finding_id_fkey" FOREIGN KEY ("finding_id") REFERENCES "findings"("id") ON DELETE CASCADE`,
    );
    await queryRunner.query(`CREATE INDEX "answers_attachment_ids_idx" ON "answers" USING gin ("attachment_ids")`);
    await queryRunner.query(`CREATE INDEX "findings_attachment_ids_idx" ON "findings" USING gin ("attachment_ids")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "findings_attachment_ids_idx"`);
    await queryRunner.query(`DROP INDEX "answers_attachment_ids_idx"`);
    await queryRunner.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_finding_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_recipient_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "answers" DROP CONSTRAINT "answers_inspection_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "finding_events" DROP CONSTRAINT "finding_events_finding_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "findings" DROP CONSTRAINT "findings_institution_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "findings" DROP CONSTRAINT "findings_inspection_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "inspections" DROP CONSTRAINT "inspections_assignee_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "inspections" DROP CONSTRAINT "inspections_template_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "inspections" DROP CONSTRAINT "inspections_institution_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "inspections" DROP CONSTRAINT "inspections_round_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "rounds" DROP CONSTRAINT "rounds_region_code_fkey"`);
    await queryRunner.query(`DROP INDEX "public"."notifications_finding_kind_recipient_key"`);
    await queryRunner.query(`DROP INDEX "public"."notifications_recipient_idx"`);
    await queryRunner.query(`DROP TABLE "notifications"`);
    await queryRunner.query(`DROP TABLE "answers"`);
    await queryRunner.query(`DROP INDEX "public"."finding_events_finding_idx"`);
    await queryRunner.query(`DROP TABLE "finding_events"`);
    await queryRunner.query(`DROP INDEX "public"."findings_inspection_item_key"`);
    await queryRunner.query(`DROP INDEX "public"."findings_region_created_idx"`);
    await queryRunner.query(`DROP INDEX "public"."findings_institution_idx"`);
    await queryRunner.query(`DROP INDEX "public"."findings_status_deadline_idx"`);
    await queryRunner.query(`DROP TABLE "findings"`);
    await queryRunner.query(`DROP INDEX "public"."inspections_round_institution_key"`);
    await queryRunner.query(`DROP INDEX "public"."inspections_round_status_idx"`);
    await queryRunner.query(`DROP INDEX "public"."inspections_region_idx"`);
    await queryRunner.query(`DROP INDEX "public"."inspections_institution_idx"`);
    await queryRunner.query(`DROP INDEX "public"."inspections_assignee_idx"`);
    await queryRunner.query(`DROP TABLE "inspections"`);
    await queryRunner.query(`DROP INDEX "public"."templates_code_version_key"`);
    await queryRunner.query(`DROP TABLE "templates"`);
    await queryRunner.query(`DROP INDEX "public"."rounds_region_idx"`);
    await queryRunner.query(`DROP TABLE "rounds"`);
    await queryRunner.query(`DROP INDEX "public"."attachments_sha256_idx"`);
    await queryRunner.query(`DROP INDEX "public"."attachments_uploaded_by_idx"`);
    await queryRunner.query(`DROP TABLE "attachments"`);
  }
}
