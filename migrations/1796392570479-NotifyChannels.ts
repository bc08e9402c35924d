import type { MigrationInterface, QueryRunner } from 'typeorm';

export class NotifyChannels1796392570479 implements MigrationInterface {
  name = 'NotifyChannels1796392570479';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "region_channels" ("region_code" character varying(9) NOT NULL, "wecom_webhook_url" text, "dingtalk_webhook_url" text, "dingtalk_secret" text, "updated_by" uuid, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3d7bfbf1effea9f7d1e090a90a2" PRIMARY KEY ("region_code"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "region_digests" ("region_code" character varying(9) NOT NULL, "digest_on" date NOT NULL, "counts" jsonb NOT NULL, "messages" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4621f40d992a83b9a70ae8d6e2c" PRIMARY KEY ("region_code", "digest_on"))`,
    );
    await queryRunner.query(`ALTER TABLE "notifications" ADD "finding_ids" uuid array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE "notifications" ADD "digest_on" date`);
    await queryRunner.query(`ALTER TABLE "webhook_outbox" ADD "target" character varying(16) NOT NULL DEFAULT 'webhook'`);
    await queryRunner.query(`ALTER TABLE "webhook_outbox" ADD "region_code" character varying(9)`);
    await queryRunner.query(`ALTER TABLE "webhook_outbox" ADD "gave_up_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "notifications" ALTER COLUMN "finding_id" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "webhook_outbox" ALTER COLUMN "notification_id" DROP NOT NULL`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "notifications_digest_key" ON "notifications"  ("recipient_id", "digest_on") WHERE "kind" = 'digest'`,
    );
    await queryRunner.query(
      `ALTER TABLE "notifications" ADD CONSTRAINT "notifications_digest_check" CHECK (("kind" = 'digest') = ("finding_id" IS NULL) AND ("kind" = 'digest') = ("digest_on" IS NOT NULL))`,
    );
    await queryRunner.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_kind_check"`);
    await queryRunner.query(
      `ALTER TABLE "notifications" ADD CONSTRAINT "notifications_kind_check" CHECK ("kind" IN ('finding_created', 'deadline_reminder', 'overdue', 'escalation', 'rectification_submitted', 'rectification_rejected', 'digest'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_outbox" ADD CONSTRAINT "webhook_outbox_target_check" CHECK ("target" IN ('webhook', 'wecom', 'dingtalk'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_outbox" ADD CONSTRAINT "webhook_outbox_region_code_fkey" FOREIGN KEY ("region_code") REFERENCES "regions"("code") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "region_channels" ADD CONSTRAINT "region_channels_region_code_fkey" FOREIGN KEY ("region_code") REFERENCES "regions"("code") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "region_digests" ADD CONSTRAINT "region_digests_region_code_fkey" FOREIGN KEY ("region_code") REFERENCES "regions"("code") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "region_digests" DROP CONSTRAINT "region_digests_region_code_fkey"`);
    await queryRunner.query(`ALTER TABLE "region_channels" DROP CONSTRAINT "region_channels_region_code_fkey"`);
    await queryRunner.query(`ALTER TABLE "webhook_outbox" DROP CONSTRAINT "webhook_outbox_region_code_fkey"`);
    await queryRunner.query(`ALTER TABLE "webhook_outbox" DROP CONSTRAINT "webhook_outbox_target_check"`);
    await queryRunner.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_digest_check"`);
    await queryRunner.query(`DELETE FROM "notifications" WHERE "kind" = 'digest'`);
    await queryRunner.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_kind_check"`);
    await queryRunner.query(
      `ALTER TABLE "notifications" ADD CONSTRAINT "notifications_kind_check" CHECK ("kind" IN ('finding_created', 'deadline_reminder', 'overdue', 'escalation', 'rectification_submitted', 'rectification_rejected'))`,
    );
    await queryRunner.query(`DROP INDEX "public"."notifications_digest_key"`);
    await queryRunner.query(`DELETE FROM "webhook_outbox" WHERE "notification_id" IS NULL`);
    await queryRunner.query(`ALTER TABLE "webhook_outbox" ALTER COLUMN "notification_id" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "notifications" ALTER COLUMN "finding_id" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "webhook_outbox" DROP COLUMN "gave_up_at"`);
    await queryRunner.query(`ALTER TABLE "webhook_outbox" DROP COLUMN "region_code"`);
    await queryRunner.query(`ALTER TABLE "webhook_outbox" DROP COLUMN "target"`);
    await queryRunner.query(`ALTER TABLE "notifications" DROP COLUMN "digest_on"`);
    await queryRunner.query(`ALTER TABLE "notifications" DROP COLUMN "finding_ids"`);
    await queryRunner.query(`DROP TABLE "region_digests"`);
    await queryRunner.query(`DROP TABLE "region_channels"`);
  }
}
