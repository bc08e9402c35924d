import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { pagedSelect } from '../common/paged-select.js';
import { institutionScope, SqlParams } from '../access/scope.js';
import type { DocumentKind, DocumentStatus } from './document.entity.js';

export interface DocumentRow {
  id: string;
  kind: DocumentKind;
  number: string;
  region_code: string;
  issuer_name: string;
  institution_id: string;
  institution_name: string;
  inspection_id: string | null;
  finding_ids: string[];
  refers_to: string | null;
  issued_by: string;
  issued_at: Date;
  issued_on: string;
  status: DocumentStatus;
  served_at: Date | null;
  received_by: string | null;
  received_on: string | null;
  serve_method: string | null;
  revoked_reason: string | null;
  verify_code: string;
  sha256: string;
  docx_sha256: string;
  content: Record<string, unknown>;
}

/** A finding as the documents print it: with its item's basis from the pinned template. */
export interface ListedFinding {
  id: string;
  title: string;
  description: string;
  severity: 'general' | 'major';
  status: 'open' | 'pending_verification' | 'closed';
  deadline: string;
  overdue: boolean;
  found_on: string;
  basis: string | null;
  rectified_by: string | null;
  institution_id: string;
  region_code: string;
  inspection_id: string | null;
}

export interface InspectionForNotice {
  id: string;
  status: string;
  kind: string;
  institution_id: string;
  institution_name: string;
  institution_region_code: string;
  round_region_code: string;
  round_name: string;
  submitted_at: Date | null;
}

export interface NewDocument {
  id: string;
  kind: DocumentKind;
  number: string;
  regionCode: string;
  year: number;
  serial: number;
  issuerName: string;
  institutionId: string;
  institutionRegionCode: string;
  inspectionId: string | null;
  findingIds: string[];
  refersTo: string | null;
  supervisedFindingId: string | null;
  issuedBy: string;
  issuedAt: Date;
  issuedOn: string;
  verifyCode: string;
  sha256: string;
  docxSha256: string;
  content: Record<string, unknown>;
}

const COLUMNS = `d.id, d.kind, d.number, d.region_code, d.issuer_name, d.institution_id, i.name AS institution_name, d.inspection_id,
  d.finding_ids, d.refers_to, d.issued_by, d.issued_at, to_char(d.issued_on, 'YYYY-MM-DD') AS issued_on, d.status, d.served_at,
  d.received_by, to_char(d.received_on, 'YYYY-MM-DD') AS received_on, d.serve_method, d.revoked_reason, d.verify_code, d.sha256,
  d.docx_sha256, d.content`;

const FINDING_COLUMNS = `f.id, f.title, f.description, f.severity, f.status, to_char(f.deadline, 'YYYY-MM-DD') AS deadline, f.overdue,
  to_char(f.found_on, 'YYYY-MM-DD') AS found_on, f.rectification->>'by' AS rectified_by, f.institution_id, f.region_code, f.inspection_id,
  (SELECT it->>'basis' FROM inspections si JOIN templates t ON t.id = si.template_id,
     jsonb_array_elements(t.sections) s, jsonb_array_elements(s->'items') it
   WHERE si.id = f.inspection_id AND it->>'code' = f.item_code LIMIT 1) AS basis`;

/** All SQL of the documents: scope is in every query (an out-of-scope row is never loaded). */
@Injectable()
export class DocumentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The inspection, locked (one notice per inspection is decided under this lock), if the actor may see it. */
  async lockInspection(actor: Actor, id: string, em: EntityManager): Promise<InspectionForNotice | undefined> {
    const params = new SqlParams();
    const scope = institutionScope(actor, { regionCode: 'x.region_code', institutionId: 'x.institution_id' }, params);
    const rows = (await em.query(
      `SELECT x.id, x.status, x.kind, x.institution_id, inst.name AS institution_name, inst.region_code AS institution_region_code,
              r.region_code AS round_region_code, r.name AS round_name, x.submitted_at
       FROM inspections x JOIN rounds r ON r.id = x.round_id JOIN institutions inst ON inst.id = x.institution_id
       WHERE x.id = ${params.add(id)} AND ${scope} FOR UPDATE OF x`,
      params.values,
    )) as InspectionForNotice[];
    return rows[0];
  }

  async findingsOfInspection(inspectionId: string, em: EntityManager): Promise<ListedFinding[]> {
    return (await em.query(
      `SELECT ${FINDING_COLUMNS} FROM findings f WHERE f.inspection_id = $1 ORDER BY f.item_code NULLS LAST, f.created_at, f.id`,
      [inspectionId],
    )) as ListedFinding[];
  }

  /** Findings by id in the given order, locked. */
  async lockFindings(ids: string[], em: EntityManager): Promise<ListedFinding[]> {
    const rows = (await em.query(`SELECT ${FINDING_COLUMNS} FROM findings f WHERE f.id = ANY($1::uuid[]) ORDER BY f.id FOR UPDATE OF f`, [
      ids,
    ])) as ListedFinding[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)).filter((r): r is ListedFinding => r !== undefined);
  }

  async lockFindingInScope(
    actor: Actor,
    id: string,
    em: EntityManager,
  ): Promise<(ListedFinding & { institution_name: string; institution_region_code: string }) | undefined> {
    const params = new SqlParams();
    const scope = institutionScope(actor, { regionCode: 'f.region_code', institutionId: 'f.institution_id' }, params);
    const rows = (await em.query(
      `SELECT ${FINDING_COLUMNS}, inst.name AS institution_name, inst.region_code AS institution_region_code
       FROM findings f JOIN institutions inst ON inst.id = f.institution_id
       WHERE f.id = ${params.add(id)} AND ${scope} FOR UPDATE OF f`,
      params.values,
    )) as (ListedFinding & { institution_name: string; institution_region_code: string })[];
    return rows[0];
  }

  /** The live (not revoked) document of a kind for an inspection, a notice or a finding. */
  async live(kind: DocumentKind, key: string, em: EntityManager): Promise<{ id: string; number: string } | undefined> {
    const column = kind === 'rectification_notice' ? 'inspection_id' : kind === 'recheck_opinion' ? 'refers_to' : 'supervised_finding_id';
    const rows = (await em.query(`SELECT id, number FROM documents WHERE kind = $1 AND ${column} = $2 AND status <> 'revoked'`, [
      kind,
      key,
    ])) as {
      id: string;
      number: string;
    }[];
    return rows[0];
  }

  /**
   * The next serial of (region, kind, year), taken in the caller's
   * transaction: the counter row stays locked until it commits, and a
   * rollback returns the number, so serials have no gap and no repeat.
   */
  async takeSerial(em: EntityManager, regionCode: string, kind: DocumentKind, year: number): Promise<number> {
    const rows = (await em.query(
      `INSERT INTO document_counters (region_code, kind, year, n) VALUES ($1, $2, $3, 1)
       ON CONFLICT (region_code, kind, year) DO UPDATE SET n = document_counters.n + 1 RETURNING n`,
      [regionCode, kind, year],
    )) as { n: number }[];
    return rows[0].n;
  }

  async insert(em: EntityManager, d: NewDocument): Promise<void> {
    await em.query(
      `INSERT INTO documents (id, kind, number, region_code, year, serial, issuer_name, institution_id, institution_region_code,
         inspection_id,
         finding_ids, refers_to, supervised_finding_id, issued_by, issued_at, issued_on, verify_code, sha256, docx_sha256, content)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
      [
        d.id,
        d.kind,
        d.number,
        d.regionCode,
        d.year,
        d.serial,
        d.issuerName,
        d.institutionId,
        d.institutionRegionCode,
        d.inspectionId,
        d.findingIds,
        d.refersTo,
        d.supervisedFindingId,
        d.issuedBy,
        d.issuedAt,
        d.issuedOn,
        d.verifyCode,
        d.sha256,
        d.docxSha256,
        JSON.stringify(d.content),
      ],
    );
  }

  async findInScope(actor: Actor, id: string, em: EntityManager = this.dataSource.manager, lock = false): Promise<DocumentRow | undefined> {
    const params = new SqlParams();
    const scope = institutionScope(actor, { regionCode: 'd.institution_region_code', institutionId: 'd.institution_id' }, params);
    const rows = (await em.query(
      `SELECT ${COLUMNS} FROM documents d JOIN institutions i ON i.id = d.institution_id
       WHERE d.id = ${params.add(id)} AND ${scope}${lock ? ' FOR UPDATE OF d' : ''}`,
      params.values,
    )) as DocumentRow[];
    return rows[0];
  }

  async list(
    actor: Actor,
    filter: { institutionId?: string; inspectionId?: string; kind?: string },
    limit: number,
    offset: number,
  ): Promise<{ rows: DocumentRow[]; total: number }> {
    const params = new SqlParams();
    const where = [institutionScope(actor, { regionCode: 'd.institution_region_code', institutionId: 'd.institution_id' }, params)];
    if (filter.institutionId) where.push(`d.institution_id = ${params.add(filter.institutionId)}`);
    if (filter.inspectionId) where.push(`d.inspection_id = ${params.add(filter.inspectionId)}`);
    if (filter.kind) where.push(`d.kind = ${params.add(filter.kind)}`);
    return pagedSelect<DocumentRow>(
      this.dataSource,
      {
        columns: COLUMNS,
        from: 'documents d JOIN institutions i ON i.id = d.institution_id',
        countFrom: 'documents d',
        where: where.join(' AND '),
        orderBy: 'd.issued_at DESC, d.id',
      },
      params,
      limit,
      offset,
    );
  }

  async findByCode(code: string): Promise<DocumentRow | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM documents d JOIN institutions i ON i.id = d.institution_id WHERE d.verify_code = $1`,
      [code],
    )) as DocumentRow[];
    return rows[0];
  }

  async markServed(em: EntityManager, id: string, s: { receivedBy: string; receivedOn: string; method: string }): Promise<void> {
    await em.query(
      `UPDATE documents SET status = 'served', served_at = now(), received_by = $2, received_on = $3, serve_method = $4 WHERE id = $1`,
      [id, s.receivedBy, s.receivedOn, s.method],
    );
  }

  async markRevoked(em: EntityManager, id: string, reason: string): Promise<void> {
    await em.query(`UPDATE documents SET status = 'revoked', revoked_at = now(), revoked_reason = $2 WHERE id = $1`, [id, reason]);
  }

  async region(
    code: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<{ code: string; name: string; path: string } | undefined> {
    const rows = (await em.query('SELECT code, name, path FROM regions WHERE code = $1', [code])) as {
      code: string;
      name: string;
      path: string;
    }[];
    return rows[0];
  }

  async settings(
    regionCode: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<{ issuer_name: string; prefixes: Record<string, string> } | undefined> {
    const rows = (await em.query('SELECT issuer_name, prefixes FROM region_document_settings WHERE region_code = $1', [regionCode])) as {
      issuer_name: string;
      prefixes: Record<string, string>;
    }[];
    return rows[0];
  }

  async saveSettings(
    em: EntityManager,
    regionCode: string,
    issuerName: string,
    prefixes: Record<string, string>,
    by: string,
  ): Promise<void> {
    await em.query(
      `INSERT INTO region_document_settings (region_code, issuer_name, prefixes, updated_by, updated_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (region_code) DO UPDATE SET issuer_name = EXCLUDED.issuer_name, prefixes = EXCLUDED.prefixes,
         updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [regionCode, issuerName, JSON.stringify(prefixes), by],
    );
  }
}
