import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { resolve } from 'node:path';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { AuditService } from '../audit/audit.service.js';
import type { InstitutionType } from '../common/labels.zh-CN.js';
import { offsetOf, type Page, type PageQueryDto } from '../common/pagination.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { Transactions } from '../common/transactions.js';
import type { CreateTemplateDto, NewTemplateVersionDto } from './dto/template.dto.js';
import { contentHash, normalizeContent, uniquenessErrors } from './template-content.js';
import { readTemplateFiles } from './template-files.js';
import type { Template, TemplateContent, TemplateItem } from './template.types.js';
import { TemplateError } from './templates.errors.js';
import { TemplatesRepository, type TemplateRow } from './templates.repository.js';

export const BUILTIN_TEMPLATES_DIR = resolve(process.cwd(), 'templates');

/** A template with its items indexed by code, for answer validation. */
export interface CompiledTemplate extends Template {
  items: Map<string, TemplateItem & { sectionTitle: string }>;
}

@Injectable()
export class TemplatesService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Templates');
  /** Versions never change, so a compiled version can be kept for good. */
  private readonly compiled = new Map<string, CompiledTemplate>();

  constructor(
    private readonly repository: TemplatesRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const loaded = await this.loadBuiltin(BUILTIN_TEMPLATES_DIR);
    if (loaded.length > 0) this.logger.log(`built-in templates loaded: ${loaded.join(', ')}`);
  }

  /** Loads the built-in files idempotently: same content → same version; changed content → a new version. */
  async loadBuiltin(dir: string): Promise<string[]> {
    const files = await readTemplateFiles(dir);
    const created: string[] = [];
    for (const { file, template } of files) {
      const content = normalizeContent(template);
      const hash = contentHash(content);
      const row = await this.transactions.run(async (em) => {
        await this.repository.lockVersions(em);
        const latest = await this.repository.findByCode(template.code, undefined, em);
        if (latest?.content_hash === hash) return undefined;
        const inserted = await this.repository.insert(em, {
          code: template.code,
          version: (latest?.version ?? 0) + 1,
          content,
          contentHash: hash,
          source: 'builtin',
          createdBy: null,
        });
        await this.audit.append(em, {
          actorId: null,
          action: 'template.load_builtin',
          entity: 'template',
          entityId: inserted.id,
          regionCode: null,
          data: { code: inserted.code, version: inserted.version, file, contentHash: hash },
        });
        return inserted;
      });
      if (row) created.push(`${row.code} v${row.version}`);
    }
    return created;
  }

  async listLatest(institutionType: InstitutionType | undefined, page: PageQueryDto, actor?: Actor): Promise<Page<Template>> {
    const path = actor && actor.role !== 'admin' ? actor.regionPath : undefined;
    const { rows, total } = await this.repository.latest(institutionType, page.pageSize, offsetOf(page), path);
    return { items: rows.map(toTemplate), total, page: page.page, pageSize: page.pageSize };
  }

  async get(id: string, actor?: Actor): Promise<Template> {
    const row = await this.repository.findById(id);
    if (!row || !visible(row, actor)) throw new DomainException(TemplateError.NotFound, `Template ${id} not found`);
    return toTemplate(row);
  }

  async getByCode(code: string, version?: number, actor?: Actor): Promise<Template> {
    const row = await this.repository.findByCode(code, version);
    if (!row || !visible(row, actor)) {
      throw new DomainException(TemplateError.NotFound, `Template ${code}${version ? ` version ${version}` : ''} not found`);
    }
    return toTemplate(row);
  }

  /** The latest version of a code, or undefined: for rounds. */
  async latestByCode(code: string, em?: EntityManager, actor?: Actor): Promise<Template | undefined> {
    const row = await this.repository.findByCode(code, undefined, em);
    return row && visible(row, actor) ? toTemplate(row) : undefined;
  }

  /** A pinned version with its items indexed, cached for good (versions are immutable). */
  async compiledById(id: string): Promise<CompiledTemplate | undefined> {
    const cached = this.compiled.get(id);
    if (cached) return cached;
    const row = await this.repository.findById(id);
    if (!row) return undefined;
    const template = toTemplate(row);
    const items = new Map<string, TemplateItem & { sectionTitle: string }>();
    for (const section of template.sections)
      for (const item of section.items) items.set(item.code, { ...item, sectionTitle: section.title });
    const result = { ...template, items };
    if (this.compiled.size > 500) this.compiled.clear();
    this.compiled.set(id, result);
    return result;
  }

  async create(actor: Actor, input: CreateTemplateDto): Promise<Template> {
    this.checkUnique(input);
    return this.insertVersion(actor, input.code, input, true);
  }

  async newVersion(actor: Actor, code: string, input: NewTemplateVersionDto): Promise<Template> {
    this.checkUnique(input);
    return this.insertVersion(actor, code, input, false);
  }

  private async insertVersion(actor: Actor, code: string, input: TemplateContent, first: boolean): Promise<Template> {
    const content = normalizeContent(input);
    const hash = contentHash(content);
    return this.transactions.run(async (em) => {
      await this.repository.lockVersions(em);
      const latest = await this.repository.findByCode(code, undefined, em);
      if (first && latest) throw new DomainException(TemplateError.DuplicateCode, `Template ${code} exists; publish a new version instead`);
      if (!first && (!latest || !visible(latest, actor))) throw new DomainException(TemplateError.NotFound, `Template ${code} not found`);
      const row = await this.repository.insert(em, {
        code,
        version: (latest?.version ?? 0) + 1,
        content,
        contentHash: hash,
        source: 'api',
        createdBy: actor.id,
        regionCode: latest ? latest.region_code : ownerOf(actor),
      });
      await this.audit.append(em, {
        actorId: actor.id,
        action: first ? 'template.create' : 'template.new_version',
        entity: 'template',
        entityId: row.id,
        regionCode: actor.regionCode,
        data: { code, version: row.version, contentHash: hash, items: content.sections.reduce((n, s) => n + s.items.length, 0) },
      });
      return toTemplate(row);
    });
  }

  /**
   * Saves imported content under `code`: a new template, the next version,
   * or nothing when it equals the latest version (`created: false`).
   * Without a description of its own it keeps the latest version's.
   */
  async saveImported(actor: Actor, code: string, input: TemplateContent, dryRun: boolean) {
    return this.transactions.run(async (em) => {
      await this.repository.lockVersions(em);
      const latest = await this.repository.findByCode(code, undefined, em);
      if (latest && !visible(latest, actor)) throw new DomainException(TemplateError.NotFound, `Template ${code} not found`);
      const content = normalizeContent({ ...input, description: input.description ?? latest?.description ?? undefined });
      const hash = contentHash(content);
      if (latest?.content_hash === hash) return { template: toTemplate(latest), created: false, version: latest.version };
      const version = (latest?.version ?? 0) + 1;
      if (dryRun) return { template: null, created: false, version };
      const row = await this.repository.insert(em, {
        code,
        version,
        content,
        contentHash: hash,
        source: 'api',
        createdBy: actor.id,
        regionCode: latest ? latest.region_code : ownerOf(actor),
      });
      const items = content.sections.reduce((n, s) => n + s.items.length, 0);
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'template.import',
        entity: 'template',
        entityId: row.id,
        regionCode: actor.regionCode,
        data: { code, version: row.version, contentHash: hash, items },
      });
      return { template: toTemplate(row), created: true, version };
    });
  }

  private checkUnique(input: TemplateContent): void {
    const errors = uniquenessErrors(input.sections);
    if (errors.length > 0) throw new DomainException(TemplateError.InvalidContent, errors[0].message, { errors });
  }
}

/** A region's template is seen within that region's subtree (its path passes through it); national ones by all; no actor: internal use. */
function visible(row: TemplateRow, actor?: Actor): boolean {
  if (!actor || actor.role === 'admin' || row.region_code === null) return true;
  return (actor.regionPath ?? '').includes(`/${row.region_code}/`);
}

/** Who owns a new template: an admin's is national, a bureau's its region's. */
function ownerOf(actor: Actor): string | null {
  return actor.role === 'admin' ? null : actor.regionCode;
}

export function toTemplate(row: TemplateRow): Template {
  return {
    id: row.id,
    code: row.code,
    version: row.version,
    name: row.name,
    ...(row.description ? { description: row.description } : {}),
    institutionTypes: row.institution_types as InstitutionType[],
    sections: row.sections,
    regionCode: row.region_code ?? null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
