import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { TemplateContent, TemplateSection } from './template.types.js';

export interface TemplateRow {
  id: string;
  code: string;
  version: number;
  name: string;
  description: string | null;
  region_code: string | null;
  institution_types: string[];
  sections: TemplateSection[];
  content_hash: string;
  created_at: Date;
}

const COLUMNS =
  't.id, t.code, t.version, t.name, t.description, t.institution_types, t.sections, t.content_hash, t.created_at, t.region_code';

/** Any 64-bit constant: serializes new versions of templates across instances. */
const TEMPLATE_VERSION_LOCK = 726_434_004;

@Injectable()
export class TemplatesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findById(id: string, em: EntityManager = this.dataSource.manager): Promise<TemplateRow | undefined> {
    return ((await em.query(`SELECT ${COLUMNS} FROM templates t WHERE t.id = $1`, [id])) as TemplateRow[])[0];
  }

  async findByCode(code: string, version?: number, em: EntityManager = this.dataSource.manager): Promise<TemplateRow | undefined> {
    const rows = (await (version === undefined
      ? em.query(`SELECT ${COLUMNS} FROM templates t WHERE t.code = $1 ORDER BY t.version DESC LIMIT 1`, [code])
      : em.query(`SELECT ${COLUMNS} FROM templates t WHERE t.code = $1 AND t.version = $2`, [code, version]))) as TemplateRow[];
    return rows[0];
  }

  /** The latest version of each code, optionally only those that apply to an institution type. */
  async latest(
    institutionType: string | undefined,
    limit: number,
    offset: number,
    regionPath?: string | null,
  ): Promise<{ rows: TemplateRow[]; total: number }> {
    const params: unknown[] = [];
    const conditions: string[] = [];
    if (institutionType) conditions.push(`$${params.push(institutionType)} = ANY(t.institution_types)`);
    // a region's template is seen within its subtree: the user's region path passes through it
    if (regionPath !== undefined) {
      conditions.push(`(t.region_code IS NULL OR $${params.push(regionPath ?? '')} LIKE '%/' || t.region_code || '/%')`);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const latest = `SELECT DISTINCT ON (code) * FROM templates ORDER BY code, version DESC`;
    const [rows, count] = await Promise.all([
      this.dataSource.query(
        `SELECT ${COLUMNS} FROM (${latest}) t ${where} ORDER BY t.code LIMIT ${Number(limit)} OFFSET ${Number(offset)}`,
        params,
      ),
      this.dataSource.query(`SELECT count(*)::int AS n FROM (${latest}) t ${where}`, params),
    ]);
    return { rows: rows as TemplateRow[], total: (count as { n: number }[])[0].n };
  }

  /** Takes the version lock until the transaction ends: new versions of a code are numbered one at a time. */
  async lockVersions(em: EntityManager): Promise<void> {
    await em.query('SELECT pg_advisory_xact_lock($1)', [TEMPLATE_VERSION_LOCK]);
  }

  async insert(
    em: EntityManager,
    row: {
      code: string;
      version: number;
      content: TemplateContent;
      contentHash: string;
      source: 'builtin' | 'api';
      createdBy: string | null;
      regionCode?: string | null;
    },
  ): Promise<TemplateRow> {
    const rows = (await em.query(
      `INSERT INTO templates AS t
         (code, version, name, description, institution_types, sections, content_hash, source, created_by, region_code)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
      [
        row.code,
        row.version,
        row.content.name,
        row.content.description ?? null,
        row.content.institutionTypes,
        JSON.stringify(row.content.sections),
        row.contentHash,
        row.source,
        row.createdBy,
        row.regionCode ?? null,
      ],
    )) as TemplateRow[];
    return rows[0];
  }
}
