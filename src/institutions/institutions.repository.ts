import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { Role } from '../access/roles.js';
import type { InstitutionType } from '../common/labels.zh-CN.js';
import { pagedSelect } from '../common/paged-select.js';
import { institutionScope, regionInSubtree, SqlParams } from '../access/scope.js';

export interface InstitutionRow {
  id: string;
  name: string;
  type: InstitutionType;
  region_code: string;
  address: string | null;
  beds: number | null;
  credit_code: string | null;
  head_name: string | null;
  phone: string | null;
  active: boolean;
}

export interface InstitutionFields {
  name: string;
  type: InstitutionType;
  regionCode: string;
  address: string | null;
  beds: number | null;
  creditCode: string | null;
  headName: string | null;
  phone: string | null;
  /** The phone's blind index (CryptoService.blindIndex of its digits). */
  phoneIndex?: string | null;
}

const COLUMNS = 'i.id, i.name, i.type, i.region_code, i.address, i.beds, i.credit_code, i.head_name, i.phone, i.active';

const UNNEST = `SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::int[], $6::varchar[], $7::varchar[], $8::varchar[], $9::varchar[])`;

@Injectable()
export class InstitutionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findInScope(actor: Actor, id: string, em: EntityManager = this.dataSource.manager): Promise<InstitutionRow | undefined> {
    const params = new SqlParams();
    const scope = institutionScope(actor, { regionCode: 'i.region_code', institutionId: 'i.id' }, params);
    const rows = (await em.query(
      `SELECT ${COLUMNS} FROM institutions i WHERE i.id = ${params.add(id)} AND ${scope}`,
      params.values,
    )) as InstitutionRow[];
    return rows[0];
  }

  async findManyInScope(actor: Actor, ids: string[]): Promise<InstitutionRow[]> {
    if (ids.length === 0) return [];
    const params = new SqlParams();
    const scope = institutionScope(actor, { regionCode: 'i.region_code', institutionId: 'i.id' }, params);
    return (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM institutions i WHERE i.id = ANY(${params.add(ids)}::uuid[]) AND ${scope} ORDER BY i.region_code, i.name, i.id`,
      params.values,
    )) as InstitutionRow[];
  }

  async list(
    actor: Actor,
    filter: { regionPath?: string; type?: string; q?: string; active?: boolean; phoneIndexes?: string[] },
    limit: number,
    offset: number,
  ): Promise<{ rows: InstitutionRow[]; total: number }> {
    const params = new SqlParams();
    const where = [institutionScope(actor, { regionCode: 'i.region_code', institutionId: 'i.id' }, params)];
    if (filter.regionPath) where.push(regionInSubtree(filter.regionPath, 'i.region_code', params));
    if (filter.type) where.push(`i.type = ${params.add(filter.type)}`);
    if (filter.q) where.push(`i.name ILIKE ${params.add(`%${escapeLike(filter.q)}%`)}`);
    if (filter.active !== undefined) where.push(`i.active = ${params.add(filter.active)}`);
    if (filter.phoneIndexes) where.push(`i.phone_index = ANY(${params.add(filter.phoneIndexes)}::varchar[])`);
    return pagedSelect<InstitutionRow>(
      this.dataSource,
      { columns: COLUMNS, from: 'institutions i', where: where.join(' AND '), orderBy: 'i.region_code, i.name, i.id' },
      params,
      limit,
      offset,
    );
  }

  /** Inserts one institution; undefined when its creditCode is taken. */
  async insert(em: EntityManager, fields: InstitutionFields): Promise<InstitutionRow | undefined> {
    const rows = (await em.query(
      `INSERT INTO institutions AS i (name, type, region_code, address, beds, credit_code, head_name, phone, phone_index)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (credit_code) DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        fields.name,
        fields.type,
        fields.regionCode,
        fields.address,
        fields.beds,
        fields.creditCode,
        fields.headName,
        fields.phone,
        fields.phoneIndex ?? null,
      ],
    )) as InstitutionRow[];
    return rows[0];
  }

  async update(em: EntityManager, id: string, patch: Partial<InstitutionFields> & { active?: boolean }): Promise<InstitutionRow> {
    const params = new SqlParams();
    const columns: Record<string, unknown> = {
      name: patch.name,
      type: patch.type,
      region_code: patch.regionCode,
      address: patch.address,
      beds: patch.beds,
      credit_code: patch.creditCode,
      head_name: patch.headName,
      phone: patch.phone,
      phone_index: patch.phoneIndex,
      active: patch.active,
    };
    const sets = ['updated_at = now()'];
    for (const [column, value] of Object.entries(columns)) if (value !== undefined) sets.push(`${column} = ${params.add(value)}`);
    const [rows] = (await em.query(
      `UPDATE institutions AS i SET ${sets.join(', ')} WHERE i.id = ${params.add(id)} RETURNING ${COLUMNS}`,
      params.values,
    )) as [InstitutionRow[], number];
    return rows[0];
  }

  /** Set-based insert of institutions without a credit code: one statement for the batch. */
  async insertMany(em: EntityManager, rows: InstitutionFields[]): Promise<number> {
    if (rows.length === 0) return 0;
    const inserted = (await em.query(
      `INSERT INTO institutions (name, type, region_code, address, beds, credit_code, head_name, phone, phone_index) ${UNNEST} RETURNING id`,
      columnsOf(rows),
    )) as unknown[];
    return inserted.length;
  }

  /**
   * Set-based upsert by credit code (codes unique within the batch). An existing
   * institution outside the actor's scope is left alone and not returned.
   */
  async upsertByCreditCode(em: EntityManager, actor: Actor, rows: InstitutionFields[]): Promise<Map<string, 'created' | 'updated'>> {
    const outcome = new Map<string, 'created' | 'updated'>();
    if (rows.length === 0) return outcome;
    const params = new SqlParams();
    for (const column of columnsOf(rows)) params.add(column);
    const guard =
      actor.role === Role.Admin ? '' : `WHERE ${actor.regionPath ? regionInSubtree(actor.regionPath, 'i.region_code', params) : 'FALSE'}`;
    const result = (await em.query(
      `INSERT INTO institutions AS i (name, type, region_code, address, beds, credit_code, head_name, phone, phone_index) ${UNNEST}
       ON CONFLICT (credit_code) DO UPDATE SET
         name = EXCLUDED.name, type = EXCLUDED.type, region_code = EXCLUDED.region_code, address = EXCLUDED.address,
         beds = EXCLUDED.beds, head_name = EXCLUDED.head_name, phone = EXCLUDED.phone, phone_index = EXCLUDED.phone_index, updated_at = now()
       ${guard}
       RETURNING i.credit_code, (xmax = 0) AS inserted`,
      params.values,
    )) as { credit_code: string; inserted: boolean }[];
    for (const row of result) outcome.set(row.credit_code, row.inserted ? 'created' : 'updated');
    return outcome;
  }
}

function columnsOf(rows: InstitutionFields[]): unknown[] {
  return [
    rows.map((r) => r.name),
    rows.map((r) => r.type),
    rows.map((r) => r.regionCode),
    rows.map((r) => r.address),
    rows.map((r) => r.beds),
    rows.map((r) => r.creditCode),
    rows.map((r) => r.headName),
    rows.map((r) => r.phone),
    rows.map((r) => r.phoneIndex ?? null),
  ];
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
