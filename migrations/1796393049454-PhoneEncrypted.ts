import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Phone numbers are stored encrypted (a token of up to about 150 characters): the column widens, keeping its values (PhoneSealer encrypts them at boot). */
export class PhoneEncrypted1796393049454 implements MigrationInterface {
  name = 'PhoneEncrypted1796393049454';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "institutions" ALTER COLUMN "phone" TYPE character varying(255)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // the encrypted values do not fit the old width: the service must decrypt them before a downgrade
    await queryRunner.query(`ALTER TABLE "institutions" ALTER COLUMN "phone" TYPE character varying(40)`);
  }
}
