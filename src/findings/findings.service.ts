import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { AttachmentsService } from '../attachments/attachments.service.js';
import { AuditService } from '../audit/audit.service.js';
import { WorkdaysService } from '../calendar/workdays.service.js';
import { todayIn } from '../common/dates.js';
import type { FieldError } from '../common/problem/problem.js';
import { Transactions } from '../common/transactions.js';
import { InstitutionsService } from '../institutions/institutions.service.js';
import type { CreateFindingDto, ExtendFindingDto, FindingDto, RectifyFindingDto, VerifyFindingDto } from './dto/finding.dto.js';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { addDays } from '../common/dates.js';
import { offsetOf, type Page, type PageQueryDto } from '../common/pagination.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { RegionsService } from '../regions/regions.service.js';
import { FindingError } from './findings.errors.js';
import { FindingsRepository, type FindingEventRow, type FindingRow, type LockedFinding, type NewFinding } from './findings.repository.js';

export interface FailedItem {
  itemCode: string;
  sectionTitle: string;
  title: string;
  note: string | null;
  severity: 'general' | 'major';
  deadlineDays?: number;
  deadlineWorkdays?: number;
  attachmentIds: string[];
}

@Injectable()
export class FindingsService {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly repository: FindingsRepository,
    private readonly notifications: NotificationsService,
    private readonly regions: RegionsService,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly institutions: InstitutionsService,
    private readonly attachments: AttachmentsService,
    private readonly workdays: WorkdaysService,
  ) {}

  /** An ad-hoc finding recorded by an inspector or a bureau, outside a checklist. */
  async create(actor: Actor, input: CreateFindingDto): Promise<FindingDto> {
    const institution = await this.institutions.findInScope(actor, input.institutionId);
    if (!institution) throw invalid([{ field: 'institutionId', message: 'no such institution in your scope' }]);
    const today = todayIn(this.config.timeZone);
    const deadline = input.deadline ?? this.deadlineFor(today, input.severity);
    if (deadline < today) throw invalid([{ field: 'deadline', message: `must not be before today (${today})` }]);
    const id = await this.transactions.run(async (em) => {
      await this.checkAttachments(em, actor, input.attachmentIds ?? [], 'attachmentIds');
      const [row] = await this.repository.insertMany(em, [
        {
          inspectionId: null,
          institutionId: institution.id,
          regionCode: institution.regionCode,
          itemCode: null,
          sectionTitle: null,
          title: input.title,
          description: input.description ?? '',
          severity: input.severity,
          foundOn: today,
          deadline,
          attachmentIds: [...new Set(input.attachmentIds ?? [])],
          createdBy: actor.id,
        },
      ]);
      await this.repository.insertEvents(em, [
        { findingId: row.id, actorId: actor.id, action: 'created', data: { deadline, adHoc: true } },
      ]);
      await this.notifications.findingsCreated(em, [row.id]);
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'finding.create',
        entity: 'finding',
        entityId: row.id,
        regionCode: institution.regionCode,
        data: { institutionId: institution.id, title: input.title, severity: input.severity, deadline },
      });
      return row.id;
    });
    return this.get(actor, id);
  }

  /** open → pending_verification: the institution's head (or a bureau) reports the fix with its evidence. */
  async rectify(actor: Actor, id: string, input: RectifyFindingDto): Promise<FindingDto> {
    await this.transactions.run(async (em) => {
      const finding = await this.lock(actor, id, em);
      expectStatus(finding, 'open');
      const attachmentIds = [...new Set(input.attachmentIds ?? [])];
      if (finding.severity === 'major' && attachmentIds.length === 0) {
        throw invalid([{ field: 'attachmentIds', message: 'a major finding needs at least one photo or document of the rectification' }]);
      }
      await this.checkAttachments(em, actor, attachmentIds, 'attachmentIds');
      const rectification = { note: input.note, attachmentIds, by: actor.id, at: new Date().toISOString() };
      await this.repository.update(em, id, { status: 'pending_verification', rectification, linkAttachments: attachmentIds });
      await this.repository.insertEvents(em, [
        { findingId: id, actorId: actor.id, action: 'rectified', data: { note: input.note, attachmentIds } },
      ]);
      await this.notifications.rectificationSubmitted(em, id);
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'finding.rectify',
        entity: 'finding',
        entityId: id,
        regionCode: finding.region_code,
        data: { attachments: attachmentIds.length },
      });
    });
    return this.get(actor, id);
  }

  /** pending_verification → closed (accepted, 销号) or back to open (rejected, with the reason); never by the one who rectified. */
  async verify(actor: Actor, id: string, input: VerifyFindingDto): Promise<FindingDto> {
    await this.transactions.run(async (em) => {
      const finding = await this.lock(actor, id, em);
      expectStatus(finding, 'pending_verification');
      if (finding.rectification?.by === actor.id) {
        throw new DomainException(
          FindingError.OwnRectification,
          'The rectification must be verified by someone other than who submitted it',
        );
      }
      const note = input.note?.trim() ?? '';
      if (!input.accepted && note === '') throw invalid([{ field: 'note', message: 'the reason is required when rejecting' }]);
      const verification = { accepted: input.accepted, note: note || undefined, by: actor.id, at: new Date().toISOString() };
      if (input.accepted) {
        await this.repository.update(em, id, { status: 'closed', closed: true, rectification: { ...finding.rectification, verification } });
      } else {
        await this.repository.update(em, id, { status: 'open', rectification: null });
        await this.notifications.rectificationRejected(em, id, note);
      }
      await this.repository.insertEvents(em, [
        { findingId: id, actorId: actor.id, action: input.accepted ? 'verified' : 'rejected', data: { note: note || undefined } },
      ]);
      await this.audit.append(em, {
        actorId: actor.id,
        action: input.accepted ? 'finding.verify' : 'finding.reject',
        entity: 'finding',
        entityId: id,
        regionCode: finding.region_code,
        data: { accepted: input.accepted, note: note || undefined },
      });
    });
    return this.get(actor, id);
  }

  /** A bureau moves the deadline later, with a reason; a deadline back in the future clears `overdue`. */
  async extend(actor: Actor, id: string, input: ExtendFindingDto): Promise<FindingDto> {
    await this.transactions.run(async (em) => {
      const finding = await this.lock(actor, id, em);
      if (finding.status === 'closed') {
        throw new DomainException(FindingError.WrongState, 'The finding is closed', { currentStatus: finding.status });
      }
      if ((input.deadline === undefined) === (input.workdays === undefined)) {
        const message = 'give either deadline or workdays, not both';
        throw invalid([
          { field: 'deadline', message },
          { field: 'workdays', message },
        ]);
      }
      const to = input.deadline ?? this.workdays.add(finding.deadline, input.workdays as number).date;
      if (to <= finding.deadline) throw invalid([{ field: 'deadline', message: `must be after the current deadline ${finding.deadline}` }]);
      const cleared = to >= todayIn(this.config.timeZone);
      await this.repository.update(em, id, { deadline: to, ...(cleared ? { overdue: false, overdueSince: null } : {}) });
      const data = { from: finding.deadline, to, reason: input.reason, ...(input.workdays ? { workdays: input.workdays } : {}) };
      await this.repository.insertEvents(em, [{ findingId: id, actorId: actor.id, action: 'extended', data }]);
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'finding.extend',
        entity: 'finding',
        entityId: id,
        regionCode: finding.region_code,
        data,
      });
    });
    return this.get(actor, id);
  }

  private async lock(actor: Actor, id: string, em: EntityManager): Promise<LockedFinding> {
    const finding = await this.repository.lockInScope(actor, id, em);
    if (!finding) throw new DomainException(FindingError.NotFound, `Finding ${id} not found`);
    return finding;
  }

  private async checkAttachments(em: EntityManager, actor: Actor, ids: string[], field: string): Promise<void> {
    const invisible = await this.attachments.invisible(actor, ids, em);
    if (invisible.length > 0) throw invalid(invisible.map((x) => ({ field, message: `attachment ${x} does not exist or is not yours` })));
  }

  /** The deadline of a finding: found date + the item's working days or days, else the default of its severity (calendar days). */
  deadlineFor(foundOn: string, severity: 'general' | 'major', deadlineDays?: number, deadlineWorkdays?: number): string {
    if (deadlineWorkdays !== undefined) return this.workdays.add(foundOn, deadlineWorkdays).date;
    return addDays(foundOn, deadlineDays ?? (severity === 'major' ? this.config.deadlineDaysMajor : this.config.deadlineDaysGeneral));
  }

  /**
   * Inside the submit transaction: one finding per failed item (unique per
   * inspection and item) with its own `finding.create` audit event in the
   * same statement, its history entry and the heads' notifications.
   */
  async createFromInspection(
    em: EntityManager,
    actor: Actor,
    inspection: { id: string; institutionId: string; regionCode: string },
    foundOn: string,
    failed: FailedItem[],
  ): Promise<number> {
    const rows: NewFinding[] = failed.map((f) => ({
      inspectionId: inspection.id,
      institutionId: inspection.institutionId,
      regionCode: inspection.regionCode,
      itemCode: f.itemCode,
      sectionTitle: f.sectionTitle,
      title: f.title,
      description: f.note ?? '',
      severity: f.severity,
      foundOn,
      deadline: this.deadlineFor(foundOn, f.severity, f.deadlineDays, f.deadlineWorkdays),
      attachmentIds: f.attachmentIds,
      createdBy: actor.id,
    }));
    const inserted = await this.repository.insertMany(em, rows, { actorId: actor.id });
    const byItem = new Map(rows.map((r) => [r.itemCode, r]));
    await this.repository.insertEvents(
      em,
      inserted.map((f) => ({
        findingId: f.id,
        actorId: actor.id,
        action: 'created',
        data: { inspectionId: inspection.id, itemCode: f.item_code, deadline: byItem.get(f.item_code)?.deadline },
      })),
    );
    await this.notifications.findingsCreated(
      em,
      inserted.map((f) => f.id),
    );
    return inserted.length;
  }

  async get(actor: Actor, id: string): Promise<FindingDto> {
    const row = await this.repository.findInScope(actor, id);
    if (!row) throw new DomainException(FindingError.NotFound, `Finding ${id} not found`);
    return toFinding(row, await this.repository.eventsOf([id]));
  }

  /**
   * All findings in scope in these states with their history, in two
   * queries: for the offline pack. `verifiable` leaves out those the actor
   * itself rectified (it may not verify them).
   */
  async listByStatus(actor: Actor, statuses: FindingDto['status'][], options: { verifiable?: boolean } = {}): Promise<FindingDto[]> {
    const rows = await this.repository.listByStatus(actor, statuses, options.verifiable ? actor.id : undefined);
    const events = new Map<string, FindingEventRow[]>();
    for (const event of await this.repository.eventsOf(rows.map((r) => r.id))) {
      const list = events.get(event.finding_id);
      if (list) list.push(event);
      else events.set(event.finding_id, [event]);
    }
    return rows.map((r) => toFinding(r, events.get(r.id) ?? []));
  }

  async list(
    actor: Actor,
    filter: {
      status?: string;
      severity?: string;
      institutionId?: string;
      regionCode?: string;
      overdue?: boolean;
      roundId?: string;
      inspectionId?: string;
    },
    page: PageQueryDto,
  ): Promise<Page<FindingDto>> {
    let regionPath: string | undefined;
    if (filter.regionCode) {
      const region = await this.regions.find(filter.regionCode);
      if (!region) return { items: [], total: 0, page: page.page, pageSize: page.pageSize };
      regionPath = region.path;
    }
    const { rows, total } = await this.repository.list(actor, { ...filter, regionPath }, page.pageSize, offsetOf(page));
    const events = await this.repository.eventsOf(rows.map((r) => r.id));
    return { items: rows.map((r) => toFinding(r, events)), total, page: page.page, pageSize: page.pageSize };
  }
}

function expectStatus(finding: FindingRow, status: FindingRow['status']): void {
  if (finding.status !== status) {
    throw new DomainException(FindingError.WrongState, `The finding is ${finding.status}; this step needs it ${status}`, {
      currentStatus: finding.status,
    });
  }
}

function invalid(errors: FieldError[]): DomainException {
  return new DomainException(FindingError.InvalidRequest, errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
}

function toFinding(row: FindingRow, events: FindingEventRow[]): FindingDto {
  return {
    id: row.id,
    inspectionId: row.inspection_id,
    institutionId: row.institution_id,
    institutionName: row.institution_name,
    regionCode: row.region_code,
    itemCode: row.item_code,
    sectionTitle: row.section_title,
    title: row.title,
    description: row.description,
    severity: row.severity,
    status: row.status,
    foundOn: row.found_on,
    deadline: row.deadline,
    overdue: row.overdue,
    overdueSince: row.overdue_since,
    supervised: row.supervised,
    rectification: row.rectification,
    attachmentIds: row.attachment_ids,
    history: events
      .filter((e) => e.finding_id === row.id)
      .map((e) => ({ at: new Date(e.at).toISOString(), actorId: e.actor_id, action: e.action, data: e.data })),
    createdAt: new Date(row.created_at).toISOString(),
    closedAt: row.closed_at ? new Date(row.closed_at).toISOString() : null,
  };
}
