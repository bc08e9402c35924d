import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { CredentialsCache } from './credentials-cache.js';
import { UsersRepository } from './users.repository.js';

/**
 * 等保 身份鉴别 — 及时删除或停用多余的、过期的账户: the daily job disables the
 * accounts with no login for DORMANT_DAYS (0: never), each audited. Enabling
 * one again (PATCH /users/:id {active: true}) restarts its clock.
 */
@Injectable()
export class DormantAccounts {
  constructor(
    private readonly repository: UsersRepository,
    private readonly audit: AuditService,
    private readonly credentials: CredentialsCache,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  get days(): number {
    return this.config.dormantDays;
  }

  /** In the job's transaction; returns how many were disabled. */
  async disable(em: EntityManager, actorId: string | null): Promise<number> {
    if (this.config.dormantDays === 0) return 0;
    const rows = await this.repository.disableDormant(em, this.config.dormantDays);
    for (const row of rows) {
      await this.audit.append(em, {
        actorId,
        action: 'user.dormant_disabled',
        entity: 'user',
        entityId: row.id,
        regionCode: row.region_code,
        data: { username: row.username, role: row.role, lastLoginAt: row.last_login_at, days: this.config.dormantDays },
      });
    }
    return rows.length;
  }

  /** After the job committed: forget the disabled users here at once (the database tells the other instances). */
  forget(): void {
    this.credentials.forget('*');
  }
}
