import { Injectable } from '@nestjs/common';
import type { Actor } from '../access/actor.js';
import { Role } from '../access/roles.js';
import { AuditService } from '../audit/audit.service.js';
import type { InstitutionType } from '../common/labels.zh-CN.js';
import { offsetOf, type Page, type PageQueryDto } from '../common/pagination.js';
import { DomainException } from '../common/problem/domain.exception.js';
import type { FieldError } from '../common/problem/problem.js';
import { pathInActorSubtree } from '../access/scope.js';
import { Transactions } from '../common/transactions.js';
import { RegionsService } from '../regions/regions.service.js';
import { TemplatesService } from '../templates/templates.service.js';
import type { CreateRoundDto, RoundKind, RoundStatus } from './dto/round.dto.js';
import { RoundError } from './rounds.errors.js';
import { RoundsRepository, type RoundRow } from './rounds.repository.js';

export interface Round {
  id: string;
  name: string;
  kind: RoundKind;
  regionCode: string;
  startsOn: string;
  endsOn: string;
  institutionTypes: InstitutionType[];
  templates: Record<string, string>;
  status: RoundStatus;
  createdAt: string;
  openedAt: string | null;
  closedAt: string | null;
}

@Injectable()
export class RoundsService {
  constructor(
    private readonly repository: RoundsRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly regions: RegionsService,
    private readonly templates: TemplatesService,
  ) {}

  async create(actor: Actor, input: CreateRoundDto): Promise<Round> {
    const errors: FieldError[] = [];
    if (input.startsOn > input.endsOn) errors.push({ field: 'endsOn', message: 'endsOn must not be before startsOn' });
    const listed = new Set<string>(input.institutionTypes);
    for (const [type, code] of Object.entries(input.templates)) {
      if (!listed.has(type)) errors.push({ field: `templates.${type}`, message: `${type} is not in institutionTypes` });
      else if (typeof code !== 'string') errors.push({ field: `templates.${type}`, message: 'must be a template code' });
    }
    for (const type of input.institutionTypes) {
      const code = input.templates[type];
      if (code === undefined) {
        errors.push({ field: `templates.${type}`, message: `a template code is needed for ${type}` });
        continue;
      }
      if (typeof code !== 'string') continue;
      const template = await this.templates.latestByCode(code, undefined, actor);
      if (!template) errors.push({ field: `templates.${type}`, message: `template ${code} does not exist` });
      else if (!template.institutionTypes.includes(type)) {
        errors.push({ field: `templates.${type}`, message: `template ${code} does not apply to ${type}` });
      }
    }
    if (errors.length > 0)
      throw new DomainException(RoundError.InvalidRound, errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });

    const region = await this.regions.find(input.regionCode);
    if (!region) {
      throw new DomainException(RoundError.InvalidRound, `Region ${input.regionCode} does not exist`, {
        errors: [{ field: 'regionCode', message: `Region ${input.regionCode} does not exist` }],
      });
    }
    if (!pathInActorSubtree(actor, region.path))
      throw new DomainException(RoundError.RegionOutOfScope, `Region ${input.regionCode} is outside your scope`);

    return this.transactions.run(async (em) => {
      const id = await this.repository.insert(em, {
        name: input.name,
        kind: input.kind,
        regionCode: region.code,
        startsOn: input.startsOn,
        endsOn: input.endsOn,
        institutionTypes: input.institutionTypes,
        templates: Object.fromEntries(input.institutionTypes.map((t) => [t, input.templates[t]])),
        createdBy: actor.id,
      });
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'round.create',
        entity: 'round',
        entityId: id,
        regionCode: region.code,
        data: { name: input.name, kind: input.kind, institutionTypes: input.institutionTypes, templates: input.templates },
      });
      const row = await this.repository.findInScope(actor, id, em);
      return toRound(row as RoundRow);
    });
  }

  async list(actor: Actor, filter: { status?: string; kind?: string }, page: PageQueryDto): Promise<Page<Round>> {
    const { rows, total } = await this.repository.list(actor, filter, page.pageSize, offsetOf(page));
    return { items: rows.map(toRound), total, page: page.page, pageSize: page.pageSize };
  }

  async get(actor: Actor, id: string): Promise<Round> {
    const row = await this.repository.findInScope(actor, id);
    if (!row) throw notFound(id);
    return toRound(row);
  }

  async progress(actor: Actor, id: string) {
    if (!(await this.repository.findInScope(actor, id))) throw notFound(id);
    return this.repository.progress(actor, id);
  }

  /**
   * Opens the round: one inspection per active institution of the listed types
   * in its region subtree, pinned to each template's latest version. Opening
   * again creates only what is missing (institutions added since).
   */
  async open(actor: Actor, id: string): Promise<{ inspectionsCreated: number }> {
    return this.transactions.run(async (em) => {
      const round = await this.lockManageable(actor, id, em);
      if (round.status === 'closed')
        throw new DomainException(RoundError.WrongState, 'The round is closed', { currentStatus: round.status });
      const pins = [];
      for (const type of round.institution_types) {
        const template = await this.templates.latestByCode(round.templates[type], em);
        if (!template) throw new DomainException(RoundError.InvalidRound, `Template ${round.templates[type]} no longer exists`);
        pins.push({ type, templateId: template.id, templateVersion: template.version });
      }
      const inspectionsCreated = await this.repository.fanOut(em, { id, kind: round.kind, regionPath: round.region_path }, pins);
      await this.repository.setStatus(em, id, 'open');
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'round.open',
        entity: 'round',
        entityId: id,
        regionCode: round.region_code,
        data: { inspectionsCreated, templates: pins.map((p) => ({ type: p.type, templateId: p.templateId, version: p.templateVersion })) },
      });
      return { inspectionsCreated };
    });
  }

  async close(actor: Actor, id: string): Promise<Round> {
    return this.transactions.run(async (em) => {
      const round = await this.lockManageable(actor, id, em);
      if (round.status !== 'open') {
        throw new DomainException(RoundError.WrongState, `Only an open round can be closed; this one is ${round.status}`, {
          currentStatus: round.status,
        });
      }
      const missed = await this.repository.markMissed(em, id);
      await this.repository.setStatus(em, id, 'closed');
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'round.close',
        entity: 'round',
        entityId: id,
        regionCode: round.region_code,
        data: { inspectionsMissed: missed },
      });
      return toRound((await this.repository.findInScope(actor, id, em)) as RoundRow);
    });
  }

  /** The round, locked; 404 outside the actor's view, 403 when visible but above the actor's region. */
  private async lockManageable(actor: Actor, id: string, em: Parameters<RoundsRepository['findInScope']>[2]): Promise<RoundRow> {
    const round = await this.repository.findInScope(actor, id, em, true);
    if (!round) throw notFound(id);
    if (actor.role !== Role.Admin && !pathInActorSubtree(actor, round.region_path)) {
      throw new DomainException(RoundError.RegionOutOfScope, 'This round belongs to a region above yours');
    }
    return round;
  }
}

function notFound(id: string): DomainException {
  return new DomainException(RoundError.NotFound, `Round ${id} not found`);
}

export function toRound(row: RoundRow): Round {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    regionCode: row.region_code,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    institutionTypes: row.institution_types as InstitutionType[],
    templates: row.templates,
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
    openedAt: row.opened_at ? new Date(row.opened_at).toISOString() : null,
    closedAt: row.closed_at ? new Date(row.closed_at).toISOString() : null,
  };
}
