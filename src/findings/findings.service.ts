import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor.js';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { addDays } from '../common/dates.js';
import { offsetOf, type Page, type PageQueryDto } from '../common/pagination.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { RegionsService } from '../regions/regions.service.js';
import { FindingError } from './findings.errors.js';
import { FindingsRepository, type FindingEventRow, type FindingRow, type NewFinding } from './findings.repository.js';

export interface Finding {
  id: string;
  inspectionId: string | null;
  institutionId: string;
  institutionName: string;
  regionCode: string;
  itemCode: string | null;
  sectionTitle: string | null;
  title: string;
  description: string;
  severity: 'general' | 'major';
  status: 'open' | 'pending_verification' | 'closed';
  foundOn: string;
  deadline: string;
  overdue: boolean;
  overdueSince: string | null;
  supervised: boolean;
  rectification: Record<string, unknown> | null;
  attachmentIds: string[];
  history: { at: string; actorId: string | null; action: string; data: Record<string, unknown> }[];
  createdAt: string;
  closedAt: string | null;
}

export interface FailedItem {
  itemCode: string;
  sectionTitle: string;
  title: string;
  note: string | null;
  severity: 'general' | 'major';
  deadlineDays?: number;
  attachmentIds: string[];
}

@Injectable()
export class FindingsService {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly repository: FindingsRepository,
    private readonly notifications: NotificationsService,
    private readonly regions: RegionsService,
  ) {}

  /** The deadline of a finding: found date + the item's days, else the default of its severity (calendar days). */
  deadlineFor(foundOn: string, severity: 'general' | 'major', deadlineDays?: number): string {
    return addDays(foundOn, deadlineDays ?? (severity === 'major' ? this.config.deadlineDaysMajor : this.config.deadlineDaysGeneral));
  }

  /**
   * Inside the submit transaction: one finding per failed item (unique per
   * inspection and item), its history entry and the heads' notifications.
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
      deadline: this.deadlineFor(foundOn, f.severity, f.deadlineDays),
      attachmentIds: f.attachmentIds,
      createdBy: actor.id,
    }));
    const inserted = await this.repository.insertMany(em, rows);
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
      inspection.institutionId,
      inserted.map((f) => {
        const row = byItem.get(f.item_code) as NewFinding;
        return { id: f.id, title: row.title, severity: row.severity, deadline: row.deadline };
      }),
    );
    return inserted.length;
  }

  async get(actor: Actor, id: string): Promise<Finding> {
    const row = await this.repository.findInScope(actor, id);
    if (!row) throw new DomainException(FindingError.NotFound, `Finding ${id} not found`);
    return toFinding(row, await this.repository.eventsOf([id]));
  }

  async list(
    actor: Actor,
    filter: { status?: string; severity?: string; institutionId?: string; regionCode?: string; overdue?: boolean; roundId?: string },
    page: PageQueryDto,
  ): Promise<Page<Finding>> {
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

function toFinding(row: FindingRow, events: FindingEventRow[]): Finding {
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
