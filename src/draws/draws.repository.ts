import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { Role } from '../access/roles.js';
import { institutionScope, regionInSubtree, SqlParams } from '../access/scope.js';
import type { DrawParameters, PoolMember, PopulationMember, Recusal } from './draw-algorithm.js';

export interface DrawRoundRow {
  id: string;
  name: string;
  kind: 'self' | 'supervisory';
  status: 'draft' | 'open' | 'closed';
  region_code: string;
  region_path: string;
  region_name: string;
  starts_on: string;
  ends_on: string;
  institution_types: string[];
}

export interface DrawRow {
  id: string;
  round_id: string;
  algorithm: string;
  seed: string;
  parameters: DrawParameters;
  population_count: number;
  population_sha256: string;
  population: PopulationMember[];
  pool: PoolMember[];
  recusals: Recusal[];
  strata: { key: string; population: number; selected: number }[];
  selected: { institutionId: string; stratum: string; inspectorIds: string[] }[];
  drawn_at: Date;
  drawn_by: string;
}

export type PublicResultCode = 'not_checked' | 'no_problem' | 'ordered' | 'rectified';

/** TypeORM answers a DELETE … RETURNING on PostgreSQL with [rows, affected]. */
function deletedRows<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}

const ROUND_COLUMNS =
  'r.id, r.name, r.kind, r.status, r.region_code, g.path AS region_path, g.name AS region_name, ' +
  'r.starts_on, r.ends_on, r.institution_types';

@Injectable()
export class DrawsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The round if the actor may see it (`read`: as the rounds list does; `manage`: a round of
   * the actor's own subtree), optionally locked for a workflow step.
   */
  async round(
    actor: Actor,
    id: string,
    mode: 'read' | 'manage',
    em: EntityManager = this.dataSource.manager,
    lock = false,
  ): Promise<DrawRoundRow | undefined> {
    const params = new SqlParams();
    const scope = this.roundScope(actor, mode, params);
    const rows = (await em.query(
      `SELECT ${ROUND_COLUMNS} FROM rounds r JOIN regions g ON g.code = r.region_code
       WHERE r.id = ${params.add(id)} AND ${scope}${lock ? ' FOR UPDATE OF r' : ''}`,
      params.values,
    )) as DrawRoundRow[];
    return rows[0];
  }

  /** The round's institutions: active, of its types, in its region subtree (sorted by id). */
  async population(round: DrawRoundRow, em: EntityManager = this.dataSource.manager): Promise<PopulationMember[]> {
    return (await em.query(
      `SELECT i.id, i.type, i.region_code AS "regionCode", g.path AS "regionPath"
       FROM institutions i JOIN regions g ON g.code = i.region_code
       WHERE i.active AND i.type = ANY($1::varchar[]) AND g.path LIKE $2
       ORDER BY i.id`,
      [round.institution_types, `${round.region_path}%`],
    )) as PopulationMember[];
  }

  /** Active inspectors who may cover some institution of the round: of its region, below it, or above it. */
  async pool(round: DrawRoundRow, em: EntityManager = this.dataSource.manager): Promise<PoolMember[]> {
    return (await em.query(
      `SELECT u.id, u.region_code AS "regionCode"
       FROM users u JOIN regions g ON g.code = u.region_code
       WHERE u.role = 'inspector' AND u.active AND (g.path LIKE $1 || '%' OR $1 LIKE g.path || '%')
       ORDER BY u.id`,
      [round.region_path],
    )) as PoolMember[];
  }

  /** Recusals of the round's institutions. */
  async recusalsFor(round: DrawRoundRow, em: EntityManager = this.dataSource.manager): Promise<Recusal[]> {
    return (await em.query(
      `SELECT c.user_id AS "inspectorId", c.institution_id AS "institutionId"
       FROM recusals c JOIN institutions i ON i.id = c.institution_id JOIN regions g ON g.code = i.region_code
       WHERE g.path LIKE $1 ORDER BY c.user_id, c.institution_id`,
      [`${round.region_path}%`],
    )) as Recusal[];
  }

  async find(roundId: string, em: EntityManager = this.dataSource.manager): Promise<DrawRow | undefined> {
    const rows = (await em.query(`SELECT * FROM draws WHERE round_id = $1`, [roundId])) as DrawRow[];
    return rows[0];
  }

  /** The round's one current draw, replacing the previous one; returns the id of the one replaced. */
  async replace(em: EntityManager, draw: Omit<DrawRow, 'id' | 'drawn_at'>): Promise<{ replaced: string | null }> {
    const oldRows = deletedRows<{ id: string }>(await em.query(`DELETE FROM draws WHERE round_id = $1 RETURNING id`, [draw.round_id]));
    await em.query(
      `INSERT INTO draws (round_id, algorithm, seed, parameters, population_count, population_sha256,
         population, pool, recusals, strata, selected, drawn_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        draw.round_id,
        draw.algorithm,
        draw.seed,
        JSON.stringify(draw.parameters),
        draw.population_count,
        draw.population_sha256,
        JSON.stringify(draw.population),
        JSON.stringify(draw.pool),
        JSON.stringify(draw.recusals),
        JSON.stringify(draw.strata),
        JSON.stringify(draw.selected),
        draw.drawn_by,
      ],
    );
    return { replaced: oldRows[0]?.id ?? null };
  }

  async institutionNames(ids: string[], em: EntityManager = this.dataSource.manager): Promise<Map<string, string>> {
    const rows = (await em.query(`SELECT id, name FROM institutions WHERE id = ANY($1::uuid[])`, [ids])) as { id: string; name: string }[];
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async userNames(ids: string[], em: EntityManager = this.dataSource.manager): Promise<{ id: string; displayName: string }[]> {
    return (await em.query(`SELECT id, display_name AS "displayName" FROM users WHERE id = ANY($1::uuid[]) ORDER BY id`, [ids])) as {
      id: string;
      displayName: string;
    }[];
  }

  /** An inspector or other user the actor manages (bureau: of its subtree; admin: any). */
  async userInScope(
    actor: Actor,
    id: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<{ id: string; role: string } | undefined> {
    const params = new SqlParams();
    const scope =
      actor.role === Role.Admin
        ? 'TRUE'
        : actor.role === Role.Bureau && actor.regionPath
          ? regionInSubtree(actor.regionPath, 'u.region_code', params)
          : 'FALSE';
    const rows = (await em.query(`SELECT u.id, u.role FROM users u WHERE u.id = ${params.add(id)} AND ${scope}`, params.values)) as {
      id: string;
      role: string;
    }[];
    return rows[0];
  }

  async institutionInScope(
    actor: Actor,
    id: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<{ id: string; name: string; region_code: string } | undefined> {
    const params = new SqlParams();
    const scope = institutionScope(actor, { regionCode: 'i.region_code', institutionId: 'i.id' }, params);
    const rows = (await em.query(
      `SELECT i.id, i.name, i.region_code FROM institutions i WHERE i.id = ${params.add(id)} AND ${scope}`,
      params.values,
    )) as {
      id: string;
      name: string;
      region_code: string;
    }[];
    return rows[0];
  }

  /** Inserts the recusal and gives its time; null when it exists already. */
  async insertRecusal(
    em: EntityManager,
    r: { userId: string; institutionId: string; reason: string; createdBy: string },
  ): Promise<Date | null> {
    const rows = (await em.query(
      `INSERT INTO recusals (user_id, institution_id, reason, created_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id, institution_id) DO NOTHING RETURNING created_at`,
      [r.userId, r.institutionId, r.reason, r.createdBy],
    )) as { created_at: Date }[];
    return rows[0]?.created_at ?? null;
  }

  async deleteRecusal(em: EntityManager, userId: string, institutionId: string): Promise<boolean> {
    return (
      deletedRows(await em.query(`DELETE FROM recusals WHERE user_id = $1 AND institution_id = $2 RETURNING 1`, [userId, institutionId]))
        .length === 1
    );
  }

  async recusalsOf(userId: string, limit: number, offset: number) {
    const [rows, [{ n }]] = (await Promise.all([
      this.dataSource.query(
        `SELECT c.user_id, c.institution_id, i.name AS institution_name, c.reason, c.created_by, c.created_at
         FROM recusals c JOIN institutions i ON i.id = c.institution_id WHERE c.user_id = $1
         ORDER BY c.created_at, c.institution_id LIMIT $2 OFFSET $3`,
        [userId, limit, offset],
      ),
      this.dataSource.query(`SELECT count(*)::int AS n FROM recusals WHERE user_id = $1`, [userId]),
    ])) as [
      { user_id: string; institution_id: string; institution_name: string; reason: string; created_by: string; created_at: Date }[],
      { n: number }[],
    ];
    return { rows, total: n };
  }

  /** Publishes the round once; returns when it was published and whether this call did it. */
  async publish(em: EntityManager, roundId: string, actorId: string): Promise<{ publishedAt: Date; created: boolean }> {
    const created = (await em.query(
      `INSERT INTO round_publications (round_id, published_by) VALUES ($1, $2) ON CONFLICT (round_id) DO NOTHING RETURNING published_at`,
      [roundId, actorId],
    )) as { published_at: Date }[];
    if (created.length === 1) return { publishedAt: created[0].published_at, created: true };
    const rows = (await em.query(`SELECT published_at FROM round_publications WHERE round_id = $1`, [roundId])) as { published_at: Date }[];
    return { publishedAt: rows[0].published_at, created: false };
  }

  /** A published round, for everyone. */
  async publishedRound(id: string): Promise<DrawRoundRow | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT ${ROUND_COLUMNS} FROM rounds r JOIN regions g ON g.code = r.region_code
       JOIN round_publications p ON p.round_id = r.id WHERE r.id = $1`,
      [id],
    )) as DrawRoundRow[];
    return rows[0];
  }

  /** Each inspected institution of the round with its result code: no names of people, no finding text. */
  async publicResults(roundId: string): Promise<{ name: string; type: string; region_name: string; result: PublicResultCode }[]> {
    return (await this.dataSource.query(
      `SELECT i.name, i.type, g.name AS region_name,
         CASE WHEN x.status <> 'submitted' THEN 'not_checked'
              WHEN NOT EXISTS (SELECT 1 FROM findings f WHERE f.inspection_id = x.id) THEN 'no_problem'
              WHEN EXISTS (SELECT 1 FROM findings f WHERE f.inspection_id = x.id AND f.status <> 'closed') THEN 'ordered'
              ELSE 'rectified' END AS result
       FROM inspections x JOIN institutions i ON i.id = x.institution_id JOIN regions g ON g.code = i.region_code
       WHERE x.round_id = $1 ORDER BY i.region_code, i.name, i.id`,
      [roundId],
    )) as { name: string; type: string; region_name: string; result: PublicResultCode }[];
  }

  private roundScope(actor: Actor, mode: 'read' | 'manage', params: SqlParams): string {
    if (actor.role === Role.Admin) return 'TRUE';
    if ((actor.role !== Role.Bureau && actor.role !== Role.Inspector) || !actor.regionPath) return 'FALSE';
    const below = regionInSubtree(actor.regionPath, 'r.region_code', params);
    if (mode === 'manage') return actor.role === Role.Bureau ? below : 'FALSE';
    return `(${below} OR ${params.add(actor.regionPath)} LIKE g.path || '%')`;
  }
}
