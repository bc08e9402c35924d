import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { pagedSelect } from '../common/paged-select.js';
import { SqlParams } from '../access/scope.js';
import type { RegionLevel } from './region.entity.js';

export interface RegionRow {
  code: string;
  name: string;
  level: RegionLevel;
  parent_code: string | null;
  path: string;
}

export interface NewRegion {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
  path: string;
}

@Injectable()
export class RegionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findByCode(code: string, em: EntityManager = this.dataSource.manager): Promise<RegionRow | undefined> {
    const rows = (await em.query('SELECT code, name, level, parent_code, path FROM regions WHERE code = $1', [code])) as RegionRow[];
    return rows[0];
  }

  async findByCodes(codes: string[], em: EntityManager = this.dataSource.manager): Promise<RegionRow[]> {
    if (codes.length === 0) return [];
    return (await em.query('SELECT code, name, level, parent_code, path FROM regions WHERE code = ANY($1::text[])', [
      codes,
    ])) as RegionRow[];
  }

  async children(parentCode: string | null, limit: number, offset: number): Promise<{ rows: RegionRow[]; total: number }> {
    const params = new SqlParams();
    const where = parentCode === null ? 'parent_code IS NULL' : `parent_code = ${params.add(parentCode)}`;
    return pagedSelect<RegionRow>(
      this.dataSource,
      { columns: 'code, name, level, parent_code, path', from: 'regions', where, orderBy: 'code' },
      params,
      limit,
      offset,
    );
  }

  /** Inserts a region; false when the code exists already. */
  async insert(em: EntityManager, region: NewRegion): Promise<boolean> {
    const rows = (await em.query(
      `INSERT INTO regions (code, name, level, parent_code, path) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (code) DO NOTHING RETURNING code`,
      [region.code, region.name, region.level, region.parentCode, region.path],
    )) as unknown[];
    return rows.length === 1;
  }

  /** One set-based INSERT of many regions (parents may be in the same batch); returns how many were new. */
  async insertMany(em: EntityManager, regions: NewRegion[]): Promise<number> {
    if (regions.length === 0) return 0;
    const rows = (await em.query(
      `INSERT INTO regions (code, name, level, parent_code, path)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::text[])
       ON CONFLICT (code) DO NOTHING RETURNING code`,
      [
        regions.map((r) => r.code),
        regions.map((r) => r.name),
        regions.map((r) => r.level),
        regions.map((r) => r.parentCode),
        regions.map((r) => r.path),
      ],
    )) as unknown[];
    return rows.length;
  }
}
