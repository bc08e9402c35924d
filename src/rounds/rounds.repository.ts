import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { Role } from '../access/roles.js';
import { pagedSelect } from '../common/paged-select.js';
import { institutionScope, regionInSubtree, SqlParams } from '../access/scope.js';
import type { RoundKind, RoundStatus } from './dto/round.dto.js';

export interface RoundRow {
  id: string;
  name: string;
  kind: RoundKind;
  region_code: string;
  region_path: string;
  starts_on: string;
  ends_on: string;
  institution_types: string[];
  templates: Record<string, string>;
  status: RoundStatus;
  created_at: Date;
  opened_at: Date | null;
  closed_at: Date | null;
}

const COLUMNS =
  'r.id, r.name, r.kind, r.region_code, g.path AS region_path, r.starts_on, r.ends_on, r.institution_types, r.templates, r.status, r.created_at, r.opened_at, r.closed_at';

@Injectable()
export class RoundsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findInScope(actor: Actor, id: string, em: EntityManager = this.dataSource.manager, lock = false): Promise<RoundRow | undefined> {
    const params = new SqlParams();
    const scope = this.scope(actor, params);
    const rows = (await em.query(
      `SELECT ${COLUMNS} FROM rounds r JOIN regions g ON g.code = r.region_code
       WHERE r.id = ${params.add(id)} AND ${scope}${lock ? ' FOR UPDATE OF r' : ''}`,
      params.values,
    )) as RoundRow[];
    return rows[0];
  }

  async list(
    actor: Actor,
    filter: { status?: string; kind?: string },
    limit: number,
    offset: number,
  ): Promise<{ rows: RoundRow[]; total: number }> {
    const params = new SqlParams();
    const where = [this.scope(actor, params)];
    if (filter.status) where.push(`r.status = ${params.add(filter.status)}`);
    if (filter.kind) where.push(`r.kind = ${params.add(filter.kind)}`);
    return pagedSelect<RoundRow>(
      this.dataSource,
      {
        columns: COLUMNS,
        from: 'rounds r JOIN regions g ON g.code = r.region_code',
        where: where.join(' AND '),
        orderBy: 'r.created_at DESC, r.id',
      },
      params,
      limit,
      offset,
    );
  }

  async insert(
    em: EntityManager,
    round: {
      name: string;
      kind: RoundKind;
      regionCode: string;
      startsOn: string;
      endsOn: string;
      institutionTypes: string[];
      templates: Record<string, string>;
      createdBy: string;
    },
  ): Promise<string> {
    const rows = (await em.query(
      `INSERT INTO rounds (name, kind, region_code, starts_on, ends_on, institution_types, templates, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        round.name,
        round.kind,
        round.regionCode,
        round.startsOn,
        round.endsOn,
        round.institutionTypes,
        JSON.stringify(round.templates),
        round.createdBy,
      ],
    )) as { id: string }[];
    return rows[0].id;
  }

  async setStatus(em: EntityManager, id: string, status: RoundStatus): Promise<void> {
    const stamp = status === 'open' ? ', opened_at = COALESCE(opened_at, now())' : status === 'closed' ? ', closed_at = now()' : '';
    await em.query(`UPDATE rounds SET status = $2${stamp} WHERE id = $1`, [id, status]);
  }

  /**
   * The fan-out: one set-based INSERT … SELECT of an inspection for every active
   * institution of the listed types in the round's region subtree, pinned to the
   * given template versions. The unique (round, institution) key makes it
   * idempotent, also when two instances open the same round at once.
   * A round with a draw (双随机, table `draws` of src/draws/) gets inspections for
   * its selected institutions only, each assigned to its drawn inspectors.
   * The subtree's institutions are found by an array of its region codes
   * through institutions_active_region_type_idx, not by a pass over every
   * institution of the country (31 such passes opened a national round).
   */
  async fanOut(
    em: EntityManager,
    round: { id: string; kind: RoundKind; regionPath: string },
    pins: { type: string; templateId: string; templateVersion: number }[],
  ): Promise<number> {
    const rows = (await em.query(
      `WITH drawn AS (
         SELECT s."institutionId" AS institution_id, s."inspectorIds" AS inspector_ids
         FROM draws d, jsonb_to_recordset(d.selected) AS s("institutionId" uuid, "inspectorIds" uuid[])
         WHERE d.round_id = $1
       ),
       created AS (
         INSERT INTO inspections (round_id, institution_id, region_code, template_id, template_version, kind, assignee_id, assignee_ids)
         SELECT $1, i.id, i.region_code, m.template_id, m.template_version, $2, dr.inspector_ids[1], COALESCE(dr.inspector_ids, '{}')
         FROM institutions i
         JOIN unnest($3::varchar[], $4::uuid[], $5::int[]) AS m(type, template_id, template_version) ON m.type = i.type
         LEFT JOIN drawn dr ON dr.institution_id = i.id
         WHERE i.active AND i.region_code = ANY(ARRAY(SELECT code FROM regions WHERE path LIKE $6))
           AND (dr.institution_id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM draws WHERE round_id = $1))
         ON CONFLICT (round_id, institution_id) DO NOTHING
         RETURNING 1
       )
       SELECT count(*)::int AS n FROM created`,
      [
        round.id,
        round.kind,
        pins.map((p) => p.type),
        pins.map((p) => p.templateId),
        pins.map((p) => p.templateVersion),
        `${round.regionPath}%`,
      ],
    )) as { n: number }[];
    return rows[0].n;
  }

  /** Unsubmitted inspections of a closed round become missed. */
  async markMissed(em: EntityManager, roundId: string): Promise<number> {
    const [, count] = (await em.query(
      `UPDATE inspections SET status = 'missed', version = version + 1, updated_at = now()
       WHERE round_id = $1 AND status IN ('pending', 'in_progress')`,
      [roundId],
    )) as [unknown, number];
    return count;
  }

  /** Counts over the round's inspections and findings that the actor may see. */
  async progress(actor: Actor, roundId: string) {
    const params = new SqlParams();
    const where = `x.round_id = ${params.add(roundId)} AND ${institutionScope(actor, { regionCode: 'x.region_code', institutionId: 'x.institution_id' }, params)}`;
    const [[inspections], [findings]] = (await Promise.all([
      this.dataSource.query(
        `SELECT count(*)::int AS total,
           count(*) FILTER (WHERE x.status = 'pending')::int AS pending,
           count(*) FILTER (WHERE x.status = 'in_progress')::int AS in_progress,
           count(*) FILTER (WHERE x.status = 'submitted')::int AS submitted,
           count(*) FILTER (WHERE x.status = 'missed')::int AS missed
         FROM inspections x WHERE ${where}`,
        params.values,
      ),
      this.dataSource.query(
        `SELECT count(*)::int AS total,
           count(*) FILTER (WHERE f.severity = 'major')::int AS major,
           count(*) FILTER (WHERE f.status = 'closed')::int AS closed
         FROM findings f JOIN inspections x ON x.id = f.inspection_id WHERE ${where}`,
        params.values,
      ),
    ])) as [Record<string, number>[], Record<string, number>[]];
    return {
      total: inspections.total,
      pending: inspections.pending,
      inProgress: inspections.in_progress,
      submitted: inspections.submitted,
      missed: inspections.missed,
      findings: { total: findings.total, major: findings.major, closed: findings.closed },
    };
  }

  /**
   * Rounds the actor may see: admin all; bureau and inspector the rounds of
   * their subtree and the rounds above them that cover their region; a head
   * the rounds its institution is in.
   */
  private scope(actor: Actor, params: SqlParams): string {
    switch (actor.role) {
      case Role.Admin:
        return 'TRUE';
      case Role.Bureau:
      case Role.Inspector: {
        if (!actor.regionPath) return 'FALSE';
        const below = regionInSubtree(actor.regionPath, 'r.region_code', params);
        return `(${below} OR ${params.add(actor.regionPath)} LIKE g.path || '%')`;
      }
      case Role.InstitutionHead:
        return actor.institutionId
          ? `EXISTS (SELECT 1 FROM inspections x WHERE x.round_id = r.id AND x.institution_id = ${params.add(actor.institutionId)})`
          : 'FALSE';
      default:
        return 'FALSE';
    }
  }
}
