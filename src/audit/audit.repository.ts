import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor.js';
import { Role } from '../auth/roles.js';
import { pagedSelect } from '../common/paged-select.js';
import { regionInSubtree, SqlParams } from '../common/scope.js';
import type { AuditContent } from './audit-chain.js';

/** Any 64-bit constant: the transaction-level advisory lock that serializes appends. */
const AUDIT_APPEND_LOCK = 726_434_002;

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
}

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Takes the append lock (held until the transaction ends), then returns the
   * next sequence number and the hash of the last event.
   */
  async lockHead(em: EntityManager): Promise<{ seq: number; previousHash: string | null }> {
    await em.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_APPEND_LOCK]);
    const [row] = (await em.query(
      `SELECT nextval('audit_events_seq')::text AS seq, (SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1) AS previous_hash`,
    )) as { seq: string; previous_hash: string | null }[];
    return { seq: Number(row.seq), previousHash: row.previous_hash };
  }

  async insert(em: EntityManager, content: AuditContent, hash: string): Promise<void> {
    await em.query(
      `INSERT INTO audit_events (seq, at, actor_id, action, entity, entity_id, region_code, data, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        content.seq,
        content.at,
        content.actorId,
        content.action,
        content.entity,
        content.entityId,
        content.regionCode,
        JSON.stringify(content.data),
        hash,
      ],
    );
  }

  async list(
    actor: Actor,
    filter: { entity?: string; entityId?: string },
    limit: number,
    offset: number,
  ): Promise<{ rows: AuditRow[]; total: number }> {
    const params = new SqlParams();
    const where = [this.scope(actor, params)];
    if (filter.entity) where.push(`entity = ${params.add(filter.entity)}`);
    if (filter.entityId) where.push(`entity_id = ${params.add(filter.entityId)}`);
    return pagedSelect<AuditRow>(
      this.dataSource,
      {
        columns: 'seq::text, at, actor_id, action, entity, entity_id, region_code, data, hash',
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
      `SELECT seq::text, at, actor_id, action, entity, entity_id, region_code, data, hash
       FROM audit_events WHERE seq > $1 ORDER BY audit_events.seq LIMIT $2`,
      [afterSeq, size],
    ) as Promise<AuditRow[]>;
  }

  /** Admin: everything; bureau: events of objects in its region subtree. */
  private scope(actor: Actor, params: SqlParams): string {
    if (actor.role === Role.Admin) return 'TRUE';
    if (actor.role === Role.Bureau && actor.regionPath) return regionInSubtree(actor.regionPath, 'region_code', params);
    return 'FALSE';
  }
}
