import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency-Key records: one row per (actor, key) is the claim of the first
 * request; it keeps that request's response for the repeats until `expires_at`,
 * after which the daily job deletes it.
 */
export class IdempotencyKeys1796381747715 implements MigrationInterface {
  name = 'IdempotencyKeys1796381747715';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "idempotency_keys" (
        "actor_id" uuid NOT NULL,
        "key" character varying(128) NOT NULL,
        "fingerprint" character(64) NOT NULL,
        "state" character varying(16) NOT NULL,
        "claim" uuid NOT NULL,
        "locked_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "response_status" smallint,
        "response_headers" jsonb,
        "response_body" bytea,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "idempotency_keys_state_check" CHECK ("state" IN ('processing', 'completed')),
        CONSTRAINT "PK_8a5af0c11ea21dd7a2593421498" PRIMARY KEY ("actor_id", "key"))`,
    );
    await queryRunner.query(`CREATE INDEX "idempotency_keys_expires_at_idx" ON "idempotency_keys" ("expires_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idempotency_keys_expires_at_idx"`);
    await queryRunner.query(`DROP TABLE "idempotency_keys"`);
  }
}
