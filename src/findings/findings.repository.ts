import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { pagedSelect } from '../common/paged-select.js';
import { institutionScope, regionInSubtree, SqlParams } from '../access/scope.js';
import { auditInsertFrom } from '../audit/audit.repository.js';

export interface FindingRow {
  id: string;
  inspection_id: string | null;
  institution_id: string;
  institution_name: string;
  region_code: string;
  item_code: string | null;
  section_title: string | null;
  title: string;
  description: string;
  severity: 'general' | 'major';
  status: 'open' | 'pending_verification' | 'closed';
  found_on: string;
  deadline: string;
  overdue: boolean;
  overdue_since: string | null;
  supervised: boolean;
  rectification: Record<string, unknown> | null;
  attachment_ids: string[];
  created_at: Date;
  closed_at: Date | null;
}

export interface LockedFinding extends FindingRow {
  created_by: string | null;
}

export interface FindingPatch {
  status?: FindingRow['status'];
  rectification?: Record<string, unknown> | null;
  closed?: boolean;
  deadline?: string;
  overdue?: boolean;
  overdueSince?: string | null;
  linkAttachments?: string[];
}

export interface FindingEventRow {
  finding_id: string;
  at: Date;
  actor_id: string | null;
  action: string;
  data: Record<string, unknown>;
}

export interface NewFinding {
  inspectionId: string | null;
  institutionId: string;
  regionCode: string;
  itemCode: string | null;
  sectionTitle: string | null;
  title: string;
  description: string;
  severity: 'general' | 'major';
  foundOn: string;
  deadline: string;
  attachmentIds: string[];
  createdBy: string;
}

const COLUMNS = `f.id, f.inspection_id, f.institution_id, i.name AS institution_name, f.region_code, f.item_code, f.section_title,
  f.title, f.description, f.severity, f.status, f.found_on, f.deadline, f.overdue, f.overdue_since, f.supervised,
  f.rectification, f.attachment_ids, f.created_at, f.closed_at`;

@Injectable()
export class FindingsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Set-based insert of findings; a finding that exists for the same
   * (inspection, item) is skipped, so a retry can never double them. With
   * `audit`, the same statement writes one `finding.create` event per
   * finding it made (entity `finding`), so the trail of each finding starts
   * at its creation.
   */
  async insertMany(
    em: EntityManager,
    findings: NewFinding[],
    audit?: { actorId: string },
  ): Promise<{ id: string; item_code: string | null }[]> {
    if (findings.length === 0) return [];
    const params = new SqlParams();
    const rows = params.add(
      JSON.stringify(
        findings.map((f) => ({
          inspection_id: f.inspectionId,
          institution_id: f.institutionId,
          region_code: f.regionCode,
          item_code: f.itemCode,
          section_title: f.sectionTitle,
          title: f.title,
          description: f.description,
          severity: f.severity,
          found_on: f.foundOn,
          deadline: f.deadline,
          attachment_ids: f.attachmentIds,
          created_by: f.createdBy,
        })),
      ),
    );
    const audited = audit
      ? `, audited AS (${auditInsertFrom(
          'inserted',
          'inserted.region_code',
          { actorId: audit.actorId, action: 'finding.create', entity: 'finding', entityId: null, data: {} },
          params,
          {
            entityId: 'inserted.id::text',
            data: `jsonb_build_object('inspectionId', inserted.inspection_id, 'institutionId', inserted.institution_id, 'itemCode', inserted.item_code,
                                      'title', inserted.title, 'severity', inserted.severity, 'deadline', inserted.deadline::text)`,
          },
        )})`
      : '';
    return (await em.query(
      `WITH inserted AS (
         INSERT INTO findings (inspection_id, institution_id, region_code, item_code, section_title, title, description, severity,
                               found_on, deadline, supervised, attachment_ids, linked_attachment_ids, created_by)
         SELECT f.inspection_id, f.institution_id, f.region_code, f.item_code, f.section_title, f.title, f.description, f.severity,
                f.found_on, f.deadline, f.severity = 'major', ARRAY(SELECT jsonb_array_elements_text(f.attachment_ids))::uuid[],
                ARRAY(SELECT jsonb_array_elements_text(f.attachment_ids))::uuid[], f.created_by
         FROM jsonb_to_recordset(${rows}::jsonb) AS f(inspection_id uuid, institution_id uuid, region_code text, item_code text, section_title text,
              title text, description text, severity text, found_on date, deadline date, attachment_ids jsonb, created_by uuid)
         ON CONFLICT (inspection_id, item_code) DO NOTHING
         RETURNING id, item_code, inspection_id, institution_id, region_code, title, severity, deadline
       )${audited}
       SELECT id, item_code FROM inserted`,
      params.values,
    )) as { id: string; item_code: string | null }[];
  }

  async insertEvents(
    em: EntityManager,
    events: { findingId: string; actorId: string | null; action: string; data: Record<string, unknown> }[],
  ): Promise<void> {
    if (events.length === 0) return;
    await em.query(
      `INSERT INTO finding_events (finding_id, at, actor_id, action, data)
       SELECT e.finding_id, now(), e.actor_id, e.action, e.data
       FROM jsonb_to_recordset($1::jsonb) AS e(finding_id uuid, actor_id uuid, action text, data jsonb)`,
      [JSON.stringify(events.map((e) => ({ finding_id: e.findingId, actor_id: e.actorId, action: e.action, data: e.data })))],
    );
  }

  /** The finding, row-locked for a workflow step, if the actor may see it. */
  async lockInScope(actor: Actor, id: string, em: EntityManager): Promise<LockedFinding | undefined> {
    const params = new SqlParams();
    const scope = institutionScope(actor, { regionCode: 'f.region_code', institutionId: 'f.institution_id' }, params);
    const rows = (await em.query(
      `SELECT ${COLUMNS}, f.created_by FROM findings f JOIN institutions i ON i.id = f.institution_id
       WHERE f.id = ${params.add(id)} AND ${scope} FOR UPDATE OF f`,
      params.values,
    )) as LockedFinding[];
    return rows[0];
  }

  async update(em: EntityManager, id: string, patch: FindingPatch): Promise<void> {
    const params = new SqlParams();
    const sets = ['version = version + 1'];
    if (patch.status !== undefined) sets.push(`status = ${params.add(patch.status)}`);
    if (patch.rectification !== undefined)
      sets.push(`rectification = ${params.add(patch.rectification === null ? null : JSON.stringify(patch.rectification))}::jsonb`);
    if (patch.closed) sets.push('closed_at = now()');
    if (patch.deadline !== undefined) sets.push(`deadline = ${params.add(patch.deadline)}`);
    if (patch.overdue !== undefined) sets.push(`overdue = ${params.add(patch.overdue)}`);
    if (patch.overdueSince !== undefined) sets.push(`overdue_since = ${params.add(patch.overdueSince)}`);
    if (patch.linkAttachments?.length) {
      sets.push(
        `linked_attachment_ids = ARRAY(SELECT DISTINCT unnest(linked_attachment_ids || ${params.add(patch.linkAttachments)}::uuid[]))`,
      );
    }
    await em.query(`UPDATE findings SET ${sets.join(', ')} WHERE id = ${params.add(id)}`, params.values);
  }

  async findInScope(actor: Actor, id: string, em: EntityManager = this.dataSource.manager): Promise<FindingRow | undefined> {
    const params = new SqlParams();
    const scope = institutionScope(actor, { regionCode: 'f.region_code', institutionId: 'f.institution_id' }, params);
    const rows = (await em.query(
      `SELECT ${COLUMNS} FROM findings f JOIN institutions i ON i.id = f.institution_id WHERE f.id = ${params.add(id)} AND ${scope}`,
      params.values,
    )) as FindingRow[];
    return rows[0];
  }

  async list(
    actor: Actor,
    filter: {
      status?: string;
      severity?: string;
      institutionId?: string;
      regionPath?: string;
      overdue?: boolean;
      roundId?: string;
      inspectionId?: string;
    },
    limit: number,
    offset: number,
  ): Promise<{ rows: FindingRow[]; total: number }> {
    const params = new SqlParams();
    const where = [institutionScope(actor, { regionCode: 'f.region_code', institutionId: 'f.institution_id' }, params)];
    if (filter.status) where.push(`f.status = ${params.add(filter.status)}`);
    if (filter.severity) where.push(`f.severity = ${params.add(filter.severity)}`);
    if (filter.institutionId) where.push(`f.institution_id = ${params.add(filter.institutionId)}`);
    if (filter.regionPath) where.push(regionInSubtree(filter.regionPath, 'f.region_code', params));
    if (filter.overdue !== undefined) where.push(`f.overdue = ${params.add(filter.overdue)}`);
    if (filter.inspectionId) where.push(`f.inspection_id = ${params.add(filter.inspectionId)}`);
    if (filter.roundId) where.push(`f.inspection_id IN (SELECT id FROM inspections WHERE round_id = ${params.add(filter.roundId)})`);
    return pagedSelect<FindingRow>(
      this.dataSource,
      {
        columns: COLUMNS,
        from: 'findings f JOIN institutions i ON i.id = f.institution_id',
        countFrom: 'findings f',
        where: where.join(' AND '),
        orderBy: 'f.created_at DESC, f.id',
      },
      params,
      limit,
      offset,
    );
  }

  /**
   * Every finding in the actor's scope in one of `statuses`, oldest first;
   * `notRectifiedBy` leaves out those whose rectification that user reported.
   */
  async listByStatus(actor: Actor, statuses: FindingRow['status'][], notRectifiedBy?: string): Promise<FindingRow[]> {
    const params = new SqlParams();
    const where = [
      institutionScope(actor, { regionCode: 'f.region_code', institutionId: 'f.institution_id' }, params),
      `f.status = ANY(${params.add(statuses)}::text[])`,
    ];
    if (notRectifiedBy) where.push(`(f.rectification->>'by') IS DISTINCT FROM ${params.add(notRectifiedBy)}`);
    return (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM findings f JOIN institutions i ON i.id = f.institution_id WHERE ${where.join(' AND ')} ORDER BY f.created_at, f.id`,
      params.values,
    )) as FindingRow[];
  }

  async eventsOf(findingIds: string[]): Promise<FindingEventRow[]> {
    if (findingIds.length === 0) return [];
    return (await this.dataSource.query(
      `SELECT finding_id, at, actor_id, action, data FROM finding_events WHERE finding_id = ANY($1::uuid[]) ORDER BY finding_id, at, id`,
      [findingIds],
    )) as FindingEventRow[];
  }
}
