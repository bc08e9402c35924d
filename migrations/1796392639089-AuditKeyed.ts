import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit chain becomes keyed (HMAC under AUDIT_KEY, SHA-256 or SM3): every
 * event records how its hash was made. Events chained before are `sha256`
 * (unkeyed) and stay valid as the chain's prefix; the append-only trigger
 * now lets the chainer set `hash_alg` together with `seq` and `hash`, once.
 */
export class AuditKeyed1796392639089 implements MigrationInterface {
  name = 'AuditKeyed1796392639089';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_events" ADD "hash_alg" character varying(16)`);
    await queryRunner.query(
      `ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_hash_alg_check" CHECK ("hash_alg" IN ('sha256', 'hmac-sha256', 'hmac-sm3'))`,
    );
    await queryRunner.query(`ALTER TABLE "audit_events" DISABLE TRIGGER "audit_events_no_update_delete"`);
    await queryRunner.query(`UPDATE "audit_events" SET "hash_alg" = 'sha256' WHERE "seq" IS NOT NULL`);
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- the one change allowed: chaining an unchained event (its seq, hash and hash_alg, nothing else)
        IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND OLD.hash IS NULL AND OLD.hash_alg IS NULL
           AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL AND NEW.hash_alg IS NOT NULL
           AND (NEW.id, NEW.at, NEW.actor_id, NEW.action, NEW.entity, NEW.entity_id, NEW.region_code, NEW.data)
               IS NOT DISTINCT FROM (OLD.id, OLD.at, OLD.actor_id, OLD.action, OLD.entity, OLD.entity_id, OLD.region_code, OLD.data) THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
    $$`);
    await queryRunner.query(`ALTER TABLE "audit_events" ENABLE TRIGGER "audit_events_no_update_delete"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- the one change allowed: chaining an unchained event (its seq and hash, nothing else)
        IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND OLD.hash IS NULL AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL
           AND (NEW.id, NEW.at, NEW.actor_id, NEW.action, NEW.entity, NEW.entity_id, NEW.region_code, NEW.data)
               IS NOT DISTINCT FROM (OLD.id, OLD.at, OLD.actor_id, OLD.action, OLD.entity, OLD.entity_id, OLD.region_code, OLD.data) THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
    $$`);
    await queryRunner.query(`ALTER TABLE "audit_events" DROP CONSTRAINT "audit_events_hash_alg_check"`);
    await queryRunner.query(`ALTER TABLE "audit_events" DROP COLUMN "hash_alg"`);
  }
}
