import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CryptoService } from '../crypto/crypto.service.js';

const BATCH = 1_000;

/**
 * Phone numbers written before they were encrypted are encrypted at boot, in
 * batches (rows locked with SKIP LOCKED, so several instances share the work).
 */
@Injectable()
export class PhoneSealer implements OnApplicationBootstrap {
  private readonly logger = new Logger('PhoneSealer');

  constructor(
    private readonly dataSource: DataSource,
    private readonly crypto: CryptoService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const sealed = await this.sealAll();
    if (sealed > 0) this.logger.log(`encrypted ${sealed} phone numbers stored in clear`);
  }

  async sealAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const done = await this.dataSource.transaction(async (em) => {
        const rows = (await em.query(
          `SELECT id, phone FROM institutions WHERE phone IS NOT NULL AND phone <> '' AND phone NOT LIKE 'enc1.%' ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
        )) as { id: string; phone: string }[];
        if (rows.length === 0) return 0;
        await em.query(`UPDATE institutions i SET phone = u.phone FROM unnest($1::uuid[], $2::text[]) AS u(id, phone) WHERE i.id = u.id`, [
          rows.map((r) => r.id),
          rows.map((r) => this.crypto.encrypt(r.phone)),
        ]);
        return rows.length;
      });
      total += done;
      if (done < BATCH) return total;
    }
  }
}
