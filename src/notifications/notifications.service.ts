import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { findingCreatedMessage, type FindingSummary } from './messages.zh-CN.js';
import { NotificationsRepository } from './notifications.repository.js';

@Injectable()
export class NotificationsService {
  constructor(private readonly repository: NotificationsRepository) {}

  /** Inside the caller's transaction: tell the institution's heads about new findings. */
  findingsCreated(em: EntityManager, institutionId: string, findings: (FindingSummary & { id: string })[]): Promise<number> {
    return this.repository.toInstitutionHeads(
      em,
      institutionId,
      'finding_created',
      findings.map((f) => ({ findingId: f.id, message: findingCreatedMessage(f) })),
    );
  }
}
