import { Injectable } from '@nestjs/common';
import type { Actor } from '../access/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { offsetOf, type Page, type PageQueryDto } from '../common/pagination.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { Transactions } from '../common/transactions.js';
import { DrawError } from './draws.errors.js';
import { DrawsRepository } from './draws.repository.js';
import type { CreateRecusalDto } from './dto/draw.dto.js';

export interface Recusal {
  userId: string;
  institutionId: string;
  institutionName: string;
  reason: string;
  createdBy: string;
  createdAt: string;
}

/** 回避: an inspector is never drawn for an institution it has a conflict of interest with. */
@Injectable()
export class RecusalsService {
  constructor(
    private readonly repository: DrawsRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, userId: string, input: CreateRecusalDto): Promise<Recusal> {
    return this.transactions.run(async (em) => {
      await this.inspector(actor, userId, em);
      const institution = await this.repository.institutionInScope(actor, input.institutionId.toLowerCase(), em);
      if (!institution) throw new DomainException(DrawError.InstitutionNotFound, `Institution ${input.institutionId} not found`);
      const reason = input.reason.trim();
      if (reason.length === 0) {
        throw new DomainException(DrawError.InvalidRequest, 'reason must not be blank', {
          errors: [{ field: 'reason', message: 'reason must not be blank' }],
        });
      }
      const createdAt = await this.repository.insertRecusal(em, { userId, institutionId: institution.id, reason, createdBy: actor.id });
      if (!createdAt) {
        throw new DomainException(DrawError.RecusalExists, 'This inspector is already recused from this institution');
      }
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'recusal.create',
        entity: 'user',
        entityId: userId,
        regionCode: institution.region_code,
        data: { institutionId: institution.id, reason },
      });
      return {
        userId,
        institutionId: institution.id,
        institutionName: institution.name,
        reason,
        createdBy: actor.id,
        createdAt: new Date(createdAt).toISOString(),
      };
    });
  }

  async list(actor: Actor, userId: string, page: PageQueryDto): Promise<Page<Recusal>> {
    await this.inspector(actor, userId);
    const { rows, total } = await this.listRows(userId, page.pageSize, offsetOf(page));
    return { items: rows, total, page: page.page, pageSize: page.pageSize };
  }

  async remove(actor: Actor, userId: string, institutionId: string): Promise<void> {
    await this.transactions.run(async (em) => {
      await this.inspector(actor, userId, em);
      const institution = await this.repository.institutionInScope(actor, institutionId, em);
      if (!institution || !(await this.repository.deleteRecusal(em, userId, institutionId))) {
        throw new DomainException(DrawError.RecusalNotFound, `No recusal of user ${userId} from institution ${institutionId}`);
      }
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'recusal.delete',
        entity: 'user',
        entityId: userId,
        regionCode: institution.region_code,
        data: { institutionId },
      });
    });
  }

  /** The user, in the actor's scope (else 404), and an inspector (else 400: only inspectors are drawn). */
  private async inspector(actor: Actor, userId: string, em?: Parameters<DrawsRepository['userInScope']>[2]): Promise<void> {
    const user = await this.repository.userInScope(actor, userId, em);
    if (!user) throw new DomainException(DrawError.UserNotFound, `User ${userId} not found`);
    if (user.role !== 'inspector') {
      throw new DomainException(DrawError.InvalidRequest, 'Only an inspector can be recused', {
        errors: [{ field: 'id', message: 'the user is not an inspector' }],
      });
    }
  }

  private async listRows(userId: string, limit: number, offset: number): Promise<{ rows: Recusal[]; total: number }> {
    const { rows, total } = await this.repository.recusalsOf(userId, limit, offset);
    return {
      total,
      rows: rows.map((r) => ({
        userId: r.user_id,
        institutionId: r.institution_id,
        institutionName: r.institution_name,
        reason: r.reason,
        createdBy: r.created_by,
        createdAt: new Date(r.created_at).toISOString(),
      })),
    };
  }
}
