import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CryptoService } from '../crypto/crypto.service.js';
import { phoneDigits } from './institutions.service.js';

const BATCH = 1_000;

/**
 * Phone numbers written before they were encrypted are encrypted at boot, and
 * phones without a blind index get one, in batches (rows locked with SKIP
 * LOCKED, so several instances share the work).
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
          `SELECT id, phone FROM institutions
           WHERE phone IS NOT NULL AND phone <> '' AND (phone NOT LIKE 'enc1.%' OR phone_index IS NULL)
           ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
        )) as { id: string; phone: string }[];
        if (rows.length === 0) return 0;
        const clear = rows.map((r) => (CryptoService.isEncrypted(r.phone) ? this.crypto.decrypt(r.phone) : r.phone));
        await em.query(
          `UPDATE institutions i SET phone = u.phone, phone_index = u.phone_index
           FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u(id, phone, phone_index) WHERE i.id = u.id`,
          [
            rows.map((r) => r.id),
            rows.map((r, n) => (CryptoService.isEncrypted(r.phone) ? r.phone : this.crypto.encrypt(clear[n]))),
            clear.map((phone) => this.crypto.blindIndex(phoneDigits(phone))),
          ],
        );
        return rows.length;
      });
      total += done;
      if (done < BATCH) return total;
    }
  }
}
