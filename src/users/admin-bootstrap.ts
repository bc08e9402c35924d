import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { passwordProblems } from '../common/password-rules.js';
import { hashPassword } from './password.js';
import { AuditService } from '../audit/audit.service.js';
import { Transactions } from '../common/transactions.js';
import { UsersRepository } from './users.repository.js';

/**
 * At boot, if no admin exists: create ADMIN_USERNAME with ADMIN_PASSWORD, or a
 * generated password printed once to the log. Safe when several instances boot
 * together (the repository serializes it with an advisory lock).
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly repository: UsersRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const generated = this.config.adminPassword === undefined;
    let password = this.config.adminPassword ?? '';
    // a generated one meets the password rules like any other
    while (generated && passwordProblems(password, this.config.adminUsername).length > 0) password = randomBytes(12).toString('base64url');
    const passwordHash = await hashPassword(password);
    const created = await this.transactions.run(async (em) => {
      // a generated password was shown in a log: its first login changes it
      const row = await this.repository.insertAdminIfNone(em, this.config.adminUsername, passwordHash, generated);
      if (row) {
        await this.audit.append(em, {
          actorId: null,
          action: 'user.bootstrap_admin',
          entity: 'user',
          entityId: row.id,
          regionCode: null,
          data: { username: row.username, generatedPassword: generated },
        });
      }
      return row;
    });
    if (!created) return;
    if (generated) {
      this.logger.warn(`Created the admin user "${created.username}" with the generated password: ${password} (shown once; change it)`);
    } else {
      this.logger.log(`Created the admin user "${created.username}" with ADMIN_PASSWORD`);
    }
  }
}
