import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { Role } from '../access/roles.js';
import { pagedSelect } from '../common/paged-select.js';
import { regionInSubtree, SqlParams } from '../access/scope.js';
import { jsonSafe } from '../common/json-safe.js';
import type { AuditContent } from './audit-chain.js';

/** Any 64-bit constant: the transaction-level advisory lock of the chainer (one at a time). */
const AUDIT_CHAIN_LOCK = 726_434_002;

export interface AuditRow {
  seq: string;
  at: Date;
  actor_id: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  region_code: string | null;
  data: Record<string, unknown>;
  hash: string;
  hash_alg: string;
}

/**
 * The INSERT of one audit event per row of `source` (a CTE of the caller's
 * statement), for a workflow step that is a single statement: the event
 * commits with the change exactly as `AuditService.append` would write it.
 * `columns` may take the entity id and the data from each row (SQL
 * expressions over `source`) instead of the constants of `event`.
 */
export function auditInsertFrom(
  source: string,
  regionColumn: string,
  event: { actorId: string | null; action: string; entity: string; entityId: string | null; data: Record<string, unknown> },
  params: SqlParams,
  columns: { entityId?: string; data?: string } = {},
): string {
  return `INSERT INTO audit_events (at, actor_id, action, entity, entity_id, region_code, data)
    SELECT ${params.add(new Date().toISOString())}, ${params.add(event.actorId)}, ${params.add(event.action)}, ${params.add(event.entity)},
           ${columns.entityId ?? params.add(event.entityId)}, ${regionColumn},
           ${columns.data ?? `${params.add(JSON.stringify(jsonSafe(event.data)))}::jsonb`}
    FROM ${source}`;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Writes an event, unchained, in the caller's transaction: no lock, so writers never queue here. */
  async insert(em: EntityManager, event: Omit<AuditContent, 'seq'>): Promise<void> {
    await em.query(
      `INSERT INTO audit_events (at, actor_id, action, entity, entity_id, region_code, data) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [event.at, event.actorId, event.action, event.entity, event.entityId, event.regionCode, JSON.stringify(event.data)],
    );
  }

  /** Takes the chaining lock until the transaction ends; returns the chain's head. */
  async lockChainHead(em: EntityManager): Promise<{ seq: number; hash: string | null }> {
    await em.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
    const rows = (await em.query(
      'SELECT seq::text, hash FROM audit_events WHERE seq IS NOT NULL ORDER BY audit_events.seq DESC LIMIT 1',
    )) as {
      seq: string;
      hash: string;
    }[];
    return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : { seq: 0, hash: null };
  }

  /** Committed events not chained yet, in the order they were written. */
  async unchained(em: EntityManager, limit: number): Promise<(AuditRow & { id: string })[]> {
    return (await em.query(
      `SELECT id::text, seq::text, at, actor_id, action, entity, entity_id, region_code, data, hash, hash_alg
       FROM audit_events WHERE seq IS NULL ORDER BY audit_events.id LIMIT $1`,
      [limit],
    )) as (AuditRow & { id: string })[];
  }

  async setChain(em: EntityManager, links: { id: string; seq: number; hash: string; algorithm: string }[]): Promise<void> {
    if (links.length === 0) return;
    await em.query(
      `UPDATE audit_events a SET seq = u.seq, hash = u.hash, hash_alg = u.alg
       FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS u(id, seq, hash, alg) WHERE a.id = u.id`,
      [links.map((l) => l.id), links.map((l) => l.seq), links.map((l) => l.hash), links.map((l) => l.algorithm)],
    );
  }

  async list(
    actor: Actor,
    filter: { entity?: string; entityId?: string },
    limit: number,
    offset: number,
  ): Promise<{ rows: AuditRow[]; total: number }> {
    const params = new SqlParams();
    const where = ['seq IS NOT NULL', this.scope(actor, params)];
    if (filter.entity) where.push(`entity = ${params.add(filter.entity)}`);
    if (filter.entityId) where.push(`entity_id = ${params.add(filter.entityId)}`);
    return pagedSelect<AuditRow>(
      this.dataSource,
      {
        columns: 'seq::text, at, actor_id, action, entity, entity_id, region_code, data, hash, hash_alg',
        from: 'audit_events',
        where: where.join(' AND '),
        orderBy: 'audit_events.seq',
      },
      params,
      limit,
      offset,
    );
  }

  /** A batch of events in chain order after `afterSeq`, for verification. */
  async batchAfter(afterSeq: string, size: number): Promise<AuditRow[]> {
    return this.dataSource.query(
      `SELECT seq::text, at, actor_id, action, entity, entity_id, region_code, data, hash, hash_alg
       FROM audit_events WHERE seq > $1 ORDER BY audit_events.seq LIMIT $2`,
      [afterSeq, size],
    ) as Promise<AuditRow[]>;
  }

  /** Admin: everything; bureau: events of objects in its region subtree. */
  private scope(actor: Actor, params: SqlParams): string {
    // the auditor reads everything, the admin too (the contract's GET /audit)
    if (actor.role === Role.Admin || actor.role === Role.Auditor) return 'TRUE';
    if (actor.role === Role.Bureau && actor.regionPath) return regionInSubtree(actor.regionPath, 'region_code', params);
    return 'FALSE';
  }
}
