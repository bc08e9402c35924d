import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { pathInActorSubtree } from '../access/scope.js';
import { Transactions } from '../common/transactions.js';
import { defaultSettings, type DocumentSettings } from './document-numbers.js';
import type { DocumentKind } from './document.entity.js';
import { DocumentError } from './documents.errors.js';
import { DocumentsRepository } from './documents.repository.js';

/** A region's issuer name and number prefixes: stored, or derived from its name. */
@Injectable()
export class DocumentSettingsService {
  constructor(
    private readonly repository: DocumentsRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  async resolve(regionCode: string, em?: EntityManager): Promise<DocumentSettings> {
    const region = await this.repository.region(regionCode, em);
    if (!region) throw new DomainException(DocumentError.RegionNotFound, `Region ${regionCode} not found`);
    return this.merge(region, await this.repository.settings(regionCode, em));
  }

  async get(actor: Actor, code: string): Promise<DocumentSettings> {
    const region = await this.visibleRegion(actor, code);
    return this.merge(region, await this.repository.settings(code));
  }

  async put(actor: Actor, code: string, input: { issuerName: string; prefixes: Record<DocumentKind, string> }): Promise<DocumentSettings> {
    const region = await this.visibleRegion(actor, code);
    const prefixes = {
      rectification_notice: input.prefixes.rectification_notice,
      recheck_opinion: input.prefixes.recheck_opinion,
      supervision_notice: input.prefixes.supervision_notice,
    };
    await this.transactions.run(async (em) => {
      await this.repository.saveSettings(em, code, input.issuerName, prefixes, actor.id);
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'region.document_settings',
        entity: 'region',
        entityId: null,
        regionCode: code,
        data: { issuerName: input.issuerName, prefixes },
      });
    });
    return { regionCode: region.code, issuerName: input.issuerName, prefixes };
  }

  private async visibleRegion(actor: Actor, code: string): Promise<{ code: string; name: string; path: string }> {
    const region = await this.repository.region(code);
    if (!region || !pathInActorSubtree(actor, region.path))
      throw new DomainException(DocumentError.RegionNotFound, `Region ${code} not found`);
    return region;
  }

  private merge(
    region: { code: string; name: string },
    stored: { issuer_name: string; prefixes: Record<string, string> } | undefined,
  ): DocumentSettings {
    const defaults = defaultSettings(region);
    if (!stored) return defaults;
    return { regionCode: region.code, issuerName: stored.issuer_name, prefixes: { ...defaults.prefixes, ...stored.prefixes } };
  }
}
