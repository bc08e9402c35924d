import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor.js';
import { pagedSelect } from '../common/paged-select.js';
import { institutionScope, SqlParams } from '../common/scope.js';
import type { AnswerResult, InspectionStatus } from './dto/inspection.dto.js';

export interface InspectionRow {
  id: string;
  round_id: string;
  institution_id: string;
  institution_name: string;
  region_code: string;
  template_id: string;
  template_version: number;
  kind: 'self' | 'supervisory';
  status: InspectionStatus;
  assignee_id: string | null;
  submitted_at: Date | null;
  version: number;
}

export interface AnswerRow {
  inspection_id: string;
  item_code: string;
  result: AnswerResult;
  value: unknown;
  note: string | null;
  attachment_ids: string[] | null;
  answered_by: string;
  answered_at: Date;
}

export interface AnswerWrite {
  itemCode: string;
  result: AnswerResult;
  value: unknown;
  note: string | null;
  attachmentIds: string[] | null;
}

const COLUMNS =
  'x.id, x.round_id, x.institution_id, i.name AS institution_name, x.region_code, x.template_id, x.template_version, x.kind, x.status, x.assignee_id, x.submitted_at, x.version';

@Injectable()
export class InspectionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The inspection if the actor may see it; `lock` takes the row lock for a workflow step. */
  async findInScope(actor: Actor, id: string, em: EntityManager = this.dataSource.manager, lock = false): Promise<InspectionRow | undefined> {
    const params = new SqlParams();
    const scope = institutionScope(actor, { regionCode: 'x.region_code', institutionId: 'x.institution_id' }, params);
    const rows = (await em.query(
      `SELECT ${COLUMNS} FROM inspections x JOIN institutions i ON i.id = x.institution_id
       WHERE x.id = ${params.add(id)} AND ${scope}${lock ? ' FOR UPDATE OF x' : ''}`,
      params.values,
    )) as InspectionRow[];
    return rows[0];
  }

  async list(
    actor: Actor,
    filter: { roundId?: string; institutionId?: string; status?: string; assigneeId?: string },
    limit: number,
    offset: number,
  ): Promise<{ rows: InspectionRow[]; total: number }> {
    const params = new SqlParams();
    const where = [institutionScope(actor, { regionCode: 'x.region_code', institutionId: 'x.institution_id' }, params)];
    if (filter.roundId) where.push(`x.round_id = ${params.add(filter.roundId)}`);
    if (filter.institutionId) where.push(`x.institution_id = ${params.add(filter.institutionId)}`);
    if (filter.status) where.push(`x.status = ${params.add(filter.status)}`);
    if (filter.assigneeId) where.push(`x.assignee_id = ${params.add(filter.assigneeId)}`);
    return pagedSelect<InspectionRow>(
      this.dataSource,
      {
        columns: COLUMNS,
        from: 'inspections x JOIN institutions i ON i.id = x.institution_id',
        countFrom: 'inspections x',
        where: where.join(' AND '),
        orderBy: 'x.created_at DESC, x.id',
      },
      params,
      limit,
      offset,
    );
  }

  async answersOf(inspectionIds: string[], em: EntityManager = this.dataSource.manager): Promise<AnswerRow[]> {
    if (inspectionIds.length === 0) return [];
    return (await em.query(
      `SELECT inspection_id, item_code, result, value, note, attachment_ids, answered_by, answered_at
       FROM answers WHERE inspection_id = ANY($1::uuid[]) ORDER BY inspection_id, item_code`,
      [inspectionIds],
    )) as AnswerRow[];
  }

  /**
   * One statement for the whole batch: upsert by (inspection, item code), and
   * the inspection's version moves (pending → in_progress). Returns the new
   * version and status.
   */
  async upsertAnswers(
    em: EntityManager,
    inspectionId: string,
    actorId: string,
    answers: AnswerWrite[],
  ): Promise<{ version: number; status: InspectionStatus }> {
    const [rows] = (await em.query(
      `WITH upserted AS (
       INSERT INTO answers (inspection_id, item_code, result, value, note, attachment_ids, answered_by, answered_at)
       SELECT $1, a.item_code, a.result, a.value, a.note,
              CASE WHEN a.attachment_ids IS NULL OR a.attachment_ids = 'null'::jsonb THEN NULL
                   ELSE ARRAY(SELECT jsonb_array_elements_text(a.attachment_ids))::uuid[] END,
              $2, now()
       FROM jsonb_to_recordset($3::jsonb) AS a(item_code text, result text, value jsonb, note text, attachment_ids jsonb)
       ON CONFLICT (inspection_id, item_code) DO UPDATE SET
         result = EXCLUDED.result, value = EXCLUDED.value, note = EXCLUDED.note, attachment_ids = EXCLUDED.attachment_ids,
         answered_by = EXCLUDED.answered_by, answered_at = EXCLUDED.answered_at
       RETURNING 1
      )
      UPDATE inspections SET version = version + 1, updated_at = now(),
        status = CASE WHEN status = 'pending' THEN 'in_progress' ELSE status END
      WHERE id = $1 AND (SELECT count(*) FROM upserted) >= 0
      RETURNING version, status`,
      [
        inspectionId,
        actorId,
        JSON.stringify(
          answers.map((a) => ({ item_code: a.itemCode, result: a.result, value: a.value ?? null, note: a.note, attachment_ids: a.attachmentIds })),
        ),
      ],
    )) as [{ version: number; status: InspectionStatus }[], number];
    return rows[0];
  }

  /** Who submitted and how they signed: for the printed report only (a drawn signature can be large). */
  async submission(id: string): Promise<{ submitted_by: string | null; signature: string | null }> {
    const rows = (await this.dataSource.query('SELECT submitted_by, signature FROM inspections WHERE id = $1', [id])) as {
      submitted_by: string | null;
      signature: string | null;
    }[];
    return rows[0] ?? { submitted_by: null, signature: null };
  }

  async markSubmitted(em: EntityManager, id: string, actorId: string, signature: string | null): Promise<void> {
    await em.query(
      `UPDATE inspections SET status = 'submitted', submitted_at = now(), submitted_by = $2, signature = $3,
         version = version + 1, updated_at = now()
       WHERE id = $1`,
      [id, actorId, signature],
    );
  }

  async assign(em: EntityManager, id: string, inspectorId: string): Promise<void> {
    await em.query(`UPDATE inspections SET assignee_id = $2, version = version + 1, updated_at = now() WHERE id = $1`, [id, inspectorId]);
  }
}
