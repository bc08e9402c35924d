import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions with rotating refresh tokens, the TOTP second factor and recovery
 * codes, the dormant-account clock, demo accounts, and security notices.
 * Ending a session is announced at commit on the credentials channel
 * (`s:<id>`) so every instance stops accepting its access tokens at once.
 */
export class Sessions1796401826933 implements MigrationInterface {
  name = 'Sessions1796401826933';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "auth_sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "token_version" integer NOT NULL, "refresh_digest" text NOT NULL, "generation" integer NOT NULL DEFAULT '0', "restriction" character varying(20), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ended_at" TIMESTAMP WITH TIME ZONE, "end_reason" character varying(20), "ip" character varying(64), CONSTRAINT "auth_sessions_restriction_check" CHECK ("restriction" IN ('password_change', 'mfa_enrollment')), CONSTRAINT "PK_641507381f32580e8479efc36cd" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "auth_sessions_expires_idx" ON "auth_sessions"  ("expires_at") `);
    await queryRunner.query(`CREATE INDEX "auth_sessions_user_open_idx" ON "auth_sessions"  ("user_id") WHERE "ended_at" IS NULL`);
    await queryRunner.query(`ALTER TABLE "users" ADD "activated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`);
    await queryRunner.query(`ALTER TABLE "users" ADD "totp_secret" text`);
    await queryRunner.query(`ALTER TABLE "users" ADD "totp_pending_secret" text`);
    await queryRunner.query(`ALTER TABLE "users" ADD "totp_last_step" integer`);
    await queryRunner.query(`ALTER TABLE "users" ADD "recovery_codes" text`);
    await queryRunner.query(`ALTER TABLE "users" ADD "demo" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(
      `ALTER TABLE "auth_sessions" ADD CONSTRAINT "auth_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // the dormant clock of existing accounts starts when they were created, not at this migration
    await queryRunner.query(`UPDATE "users" SET "activated_at" = "created_at"`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION paicha_credentials_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'users' THEN
          PERFORM pg_notify('paicha_credentials', OLD.id::text);
        ELSIF TG_TABLE_NAME = 'auth_sessions' THEN
          PERFORM pg_notify('paicha_credentials', 's:' || OLD.id::text);
        ELSE
          PERFORM pg_notify('paicha_credentials', '*');
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "auth_sessions_ended" AFTER UPDATE OF "ended_at" OR DELETE ON "auth_sessions" FOR EACH ROW EXECUTE FUNCTION paicha_credentials_changed()`,
    );
    await queryRunner.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_kind_check"`);
    await queryRunner.query(
      `ALTER TABLE "notifications" ADD CONSTRAINT "notifications_kind_check" CHECK ("kind" IN ('finding_created', 'deadline_reminder', 'overdue', 'escalation', 'rectification_submitted', 'rectification_rejected', 'digest', 'security'))`,
    );
    await queryRunner.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_digest_check"`);
    await queryRunner.query(
      `ALTER TABLE "notifications" ADD CONSTRAINT "notifications_digest_check" CHECK (("kind" IN ('digest', 'security')) = ("finding_id" IS NULL) AND ("kind" = 'digest') = ("digest_on" IS NOT NULL))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "notifications" WHERE "kind" = 'security'`);
    await queryRunner.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_digest_check"`);
    await queryRunner.query(
      `ALTER TABLE "notifications" ADD CONSTRAINT "notifications_digest_check" CHECK (("kind" = 'digest') = ("finding_id" IS NULL) AND ("kind" = 'digest') = ("digest_on" IS NOT NULL))`,
    );
    await queryRunner.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_kind_check"`);
    await queryRunner.query(
      `ALTER TABLE "notifications" ADD CONSTRAINT "notifications_kind_check" CHECK ("kind" IN ('finding_created', 'deadline_reminder', 'overdue', 'escalation', 'rectification_submitted', 'rectification_rejected', 'digest'))`,
    );
    await queryRunner.query(`DROP TRIGGER "auth_sessions_ended" ON "auth_sessions"`);
    await queryRunner.query(`ALTER TABLE "auth_sessions" DROP CONSTRAINT "auth_sessions_user_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "demo"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "recovery_codes"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "totp_last_step"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "totp_pending_secret"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "totp_secret"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "activated_at"`);
    await queryRunner.query(`DROP INDEX "public"."auth_sessions_user_open_idx"`);
    await queryRunner.query(`DROP INDEX "public"."auth_sessions_expires_idx"`);
    await queryRunner.query(`DROP TABLE "auth_sessions"`);
  }
}
