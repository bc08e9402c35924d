import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every service instance keeps the credentials of recent users in memory (the
 * lookup behind every request). A change that could end or narrow a session
 * tells every instance at commit: a user's row changed or went (its id), or a
 * region's path or an institution's region changed (`*`: forget everyone).
 */
export class CredentialsNotify1796026000000 implements MigrationInterface {
  name = 'CredentialsNotify1796026000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION paicha_credentials_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'users' THEN
          PERFORM pg_notify('paicha_credentials', OLD.id::text);
        ELSE
          PERFORM pg_notify('paicha_credentials', '*');
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "users_credentials_changed" AFTER UPDATE OR DELETE ON "users" FOR EACH ROW EXECUTE FUNCTION paicha_credentials_changed()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "regions_credentials_changed" AFTER UPDATE OF "path" OR DELETE ON "regions" FOR EACH STATEMENT EXECUTE FUNCTION paicha_credentials_changed()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "institutions_credentials_changed" AFTER UPDATE OF "region_code" OR DELETE ON "institutions" FOR EACH STATEMENT EXECUTE FUNCTION paicha_credentials_changed()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "institutions_credentials_changed" ON "institutions"`);
    await queryRunner.query(`DROP TRIGGER "regions_credentials_changed" ON "regions"`);
    await queryRunner.query(`DROP TRIGGER "users_credentials_changed" ON "users"`);
    await queryRunner.query(`DROP FUNCTION paicha_credentials_changed()`);
  }
}
