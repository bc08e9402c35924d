import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { auditInsertFrom } from '../audit/audit.repository.js';
import { pagedSelect } from '../common/paged-select.js';
import { preparedQuery } from '../common/prepared.js';
import { institutionScope, SqlParams } from '../access/scope.js';
import type { AnswerResult, InspectionStatus } from './dto/inspection.dto.js';
import { mayFillSql } from './fill-rule.js';

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
  /** assignee_id first; a drawn inspection has several (any of them may fill it) */
  assignee_ids: string[];
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
  saved_at: Date;
}

export interface AnswerWrite {
  itemCode: string;
  result: AnswerResult;
  value: unknown;
  note: string | null;
  attachmentIds: string[] | null;
  /** The device's time of the answer (ISO 8601, checked), or null for the save's time. */
  answeredAt: string | null;
}

/** What the one-statement save found and did: `saved` false means the row refused the batch (see `fillRefusal`). */
export interface SaveOutcome {
  row: InspectionRow;
  saved: boolean;
  /** The inspection's other answers (items not in the batch), as of the statement's snapshot. */
  others: AnswerRow[];
  /** When the batch was saved: its answers' `saved_at` (and `answered_at` where the device gave none). */
  savedAt: Date;
  /** Another batch committed between the snapshot and the row lock: `others` may miss it. */
  raced: boolean;
}

const COLUMNS =
  'x.id, x.round_id, x.institution_id, i.name AS institution_name, x.region_code, x.template_id, x.template_version, x.kind, x.status, x.assignee_id, x.assignee_ids, x.submitted_at, x.version';

@Injectable()
export class InspectionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The inspection if the actor may see it; `lock` takes the row lock for a workflow step. */
  async findInScope(
    actor: Actor,
    id: string,
    em: EntityManager = this.dataSource.manager,
    lock = false,
  ): Promise<InspectionRow | undefined> {
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
    if (filter.assigneeId) where.push(`x.assignee_ids @> ARRAY[${params.add(filter.assigneeId)}::uuid]`);
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

  /**
   * The actor's pending and in-progress inspections in scope, oldest first:
   * only those it may fill (see fill-rule.ts), or all of them.
   */
  async listOpen(actor: Actor, onlyFillable: boolean): Promise<InspectionRow[]> {
    const params = new SqlParams();
    const where = [
      institutionScope(actor, { regionCode: 'x.region_code', institutionId: 'x.institution_id' }, params),
      `x.status IN ('pending', 'in_progress')`,
    ];
    if (onlyFillable) where.push(mayFillSql(actor, () => params.add(actor.id)));
    return (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM inspections x JOIN institutions i ON i.id = x.institution_id WHERE ${where.join(' AND ')} ORDER BY x.created_at, x.id`,
      params.values,
    )) as InspectionRow[];
  }

  /** The template an inspection is pinned to, whoever asks (it decides nothing about scope). */
  async templateIdOf(id: string): Promise<string | undefined> {
    const rows = (await this.dataSource.query('SELECT template_id FROM inspections WHERE id = $1', [id])) as { template_id: string }[];
    return rows[0]?.template_id;
  }

  async answersOf(inspectionIds: string[], em: EntityManager = this.dataSource.manager): Promise<AnswerRow[]> {
    if (inspectionIds.length === 0) return [];
    return (await em.query(
      `SELECT inspection_id, item_code, result, value, note, attachment_ids, answered_by, answered_at, saved_at
       FROM answers WHERE inspection_id = ANY($1::uuid[]) ORDER BY inspection_id, item_code COLLATE "C"`,
      [inspectionIds],
    )) as AnswerRow[];
  }

  /**
   * Saves a batch as one statement, so one round trip is the whole
   * transaction: lock the inspection in scope, check that this actor may fill
   * it now and `If-Match`, upsert the answers, bump the version (pending →
   * in_progress), write the audit event, and return the row and the answers
   * to items not in the batch (the batch's own are what was just written).
   * The fill rule below is fill-rule.ts's `mayFillSql`; when the row
   * refuses, nothing is written and the row comes back for the service to say why.
   * No row at all: not found or out of scope.
   */
  async saveAnswers(
    actor: Actor,
    id: string,
    ifMatch: number | undefined,
    answers: AnswerWrite[],
    audit: { action: string; data: Record<string, unknown> },
  ): Promise<SaveOutcome | undefined> {
    const params = new SqlParams();
    const idParam = params.add(id);
    const scope = institutionScope(actor, { regionCode: 'x.region_code', institutionId: 'x.institution_id' }, params);
    const me = params.add(actor.id);
    const mayFill = mayFillSql(actor, () => me);
    const versionMatches = ifMatch === undefined ? 'TRUE' : `x.version = ${params.add(ifMatch)}`;
    const batch = params.add(
      JSON.stringify(
        answers.map((a) => ({
          item_code: a.itemCode,
          result: a.result,
          value: a.value ?? null,
          note: a.note,
          attachment_ids: a.attachmentIds,
          answered_at: a.answeredAt,
        })),
      ),
    );
    const auditInsert = auditInsertFrom(
      'bumped',
      'bumped.region_code',
      { actorId: actor.id, action: audit.action, entity: 'inspection', entityId: id, data: audit.data },
      params,
    );
    const codes = params.add(answers.map((a) => a.itemCode));
    const rows = await preparedQuery<
      InspectionRow & {
        fillable: boolean;
        saved_version: number | null;
        saved_status: InspectionStatus | null;
        saved_at: Date;
        raced: boolean;
        others: AnswerRow[];
      }
    >(
      this.dataSource,
      `WITH target AS (
         SELECT ${COLUMNS}, (${mayFill}) AND x.status NOT IN ('submitted', 'missed') AND ${versionMatches} AS fillable
         FROM inspections x JOIN institutions i ON i.id = x.institution_id
         WHERE x.id = ${idParam} AND ${scope}
         FOR UPDATE OF x
       ),
       upserted AS (
         INSERT INTO answers (inspection_id, item_code, result, value, note, attachment_ids, answered_by, answered_at, saved_at)
         SELECT t.id, a.item_code, a.result, a.value, a.note,
                CASE WHEN a.attachment_ids IS NULL OR a.attachment_ids = 'null'::jsonb THEN NULL
                     ELSE ARRAY(SELECT jsonb_array_elements_text(a.attachment_ids))::uuid[] END,
                ${me}, coalesce(a.answered_at, now()), now()
         FROM target t, jsonb_to_recordset(${batch}::jsonb) AS a(item_code text, result text, value jsonb, note text, attachment_ids jsonb, answered_at timestamptz)
         WHERE t.fillable
         ON CONFLICT (inspection_id, item_code) DO UPDATE SET
           result = EXCLUDED.result, value = EXCLUDED.value, note = EXCLUDED.note, attachment_ids = EXCLUDED.attachment_ids,
           answered_by = EXCLUDED.answered_by, answered_at = EXCLUDED.answered_at, saved_at = EXCLUDED.saved_at
         RETURNING 1
       ),
       bumped AS (
         UPDATE inspections x SET version = x.version + 1, updated_at = now(),
           status = CASE WHEN x.status = 'pending' THEN 'in_progress' ELSE x.status END
         FROM target t WHERE x.id = t.id AND t.fillable
         RETURNING x.version, x.status, x.region_code
       ),
       audited AS (${auditInsert})
       SELECT t.*, b.version AS saved_version, b.status AS saved_status, now() AS saved_at,
         (SELECT s.version FROM inspections s WHERE s.id = t.id) <> t.version AS raced,
         CASE WHEN b.version IS NULL THEN '[]'::json ELSE (
           SELECT coalesce(json_agg(row_to_json(a)), '[]'::json) FROM (
             SELECT inspection_id, item_code, result, value, note, attachment_ids, answered_by, answered_at, saved_at
             FROM answers WHERE inspection_id = t.id AND item_code <> ALL(${codes}::text[])
           ) a
         ) END AS others
       FROM target t LEFT JOIN bumped b ON TRUE`,
      params.values,
    );
    const found = rows[0];
    if (!found) return undefined;
    const { fillable: _fillable, saved_version, saved_status, saved_at, raced, others, ...row } = found;
    if (saved_version === null || saved_status === null) return { row, saved: false, others: [], savedAt: saved_at, raced: false };
    return { row: { ...row, version: saved_version, status: saved_status }, saved: true, others, savedAt: saved_at, raced };
  }

  /** The first instant an answer to this inspection may carry: the start of its round's first day in `timeZone`. */
  async answersOpenAt(id: string, timeZone: string): Promise<Date | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT (r.starts_on::timestamp AT TIME ZONE $2) AS opens_at FROM inspections x JOIN rounds r ON r.id = x.round_id WHERE x.id = $1`,
      [id, timeZone],
    )) as { opens_at: Date }[];
    return rows[0]?.opens_at;
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
    await em.query(
      `UPDATE inspections SET assignee_id = $2, assignee_ids = ARRAY[$2::uuid], version = version + 1, updated_at = now() WHERE id = $1`,
      [id, inspectorId],
    );
  }
}
