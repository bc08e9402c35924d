import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { institutionScope, SqlParams } from '../access/scope.js';

export interface AttachmentRow {
  id: string;
  filename: string;
  content_type: string;
  size: string;
  sha256: string;
  uploaded_by: string;
  created_at: Date;
}

const COLUMNS = 'a.id, a.filename, a.content_type, a.size, a.sha256, a.uploaded_by, a.created_at';

@Injectable()
export class AttachmentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(
    em: EntityManager,
    row: { filename: string; contentType: string; size: number; sha256: string; uploadedBy: string },
  ): Promise<AttachmentRow> {
    const rows = (await em.query(
      `INSERT INTO attachments AS a (filename, content_type, size, sha256, uploaded_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [row.filename, row.contentType, row.size, row.sha256, row.uploadedBy],
    )) as AttachmentRow[];
    return rows[0];
  }

  /**
   * The user's earliest upload of these bytes, if any, under a transaction
   * lock on (user, sha256): two identical uploads at once make one row.
   */
  async lockOwnBySha(em: EntityManager, uploadedBy: string, sha256: string): Promise<AttachmentRow | undefined> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtextextended('attachment:' || $1 || ':' || $2, 0))`, [uploadedBy, sha256]);
    const rows = (await em.query(
      `SELECT ${COLUMNS} FROM attachments a WHERE a.uploaded_by = $1 AND a.sha256 = $2 ORDER BY a.created_at, a.id LIMIT 1`,
      [uploadedBy, sha256],
    )) as AttachmentRow[];
    return rows[0];
  }

  /**
   * The attachments among `ids` the actor may see: its own uploads, and files
   * used by an answer or a finding of an institution in its scope.
   */
  async findVisible(actor: Actor, ids: string[], em: EntityManager = this.dataSource.manager): Promise<AttachmentRow[]> {
    if (ids.length === 0) return [];
    const params = new SqlParams();
    const list = params.add(ids);
    const me = params.add(actor.id);
    const inspectionScope = institutionScope(actor, { regionCode: 'x.region_code', institutionId: 'x.institution_id' }, params);
    const findingScope = institutionScope(actor, { regionCode: 'f.region_code', institutionId: 'f.institution_id' }, params);
    return (await em.query(
      `SELECT ${COLUMNS} FROM attachments a
       WHERE a.id = ANY(${list}::uuid[]) AND (
         a.uploaded_by = ${me}
         OR EXISTS (SELECT 1 FROM answers n JOIN inspections x ON x.id = n.inspection_id
                    WHERE n.attachment_ids @> ARRAY[a.id] AND ${inspectionScope})
         OR EXISTS (SELECT 1 FROM findings f WHERE f.linked_attachment_ids @> ARRAY[a.id] AND ${findingScope})
       )`,
      params.values,
    )) as AttachmentRow[];
  }
}
