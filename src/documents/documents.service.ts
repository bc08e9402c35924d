import { Injectable } from '@nestjs/common';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { Actor } from '../access/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { todayIn } from '../common/dates.js';
import { offsetOf, type Page, type PageQueryDto } from '../common/pagination.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { Transactions } from '../common/transactions.js';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import type { DocumentKind, DocumentStatus } from './document.entity.js';
import { KIND_TITLES } from './document-numbers.js';
import { DocumentError } from './documents.errors.js';
import { DocumentsRepository, type DocumentRow } from './documents.repository.js';

export interface Document {
  id: string;
  kind: DocumentKind;
  number: string;
  regionCode: string;
  issuerName: string;
  institutionId: string;
  institutionName: string;
  inspectionId: string | null;
  findingIds: string[];
  refersTo: string | null;
  issuedBy: string;
  issuedAt: string;
  issuedOn: string;
  status: DocumentStatus;
  servedAt: string | null;
  receivedBy: string | null;
  receivedOn: string | null;
  serveMethod: string | null;
  revokedReason: string | null;
  sha256: string;
  verifyUrl: string;
}

/** What the public verify page shows: nothing personal, no finding text. */
export interface Verification {
  kind: DocumentKind;
  number: string;
  issuerName: string;
  issuedAt: string;
  status: DocumentStatus;
  sha256: string;
}

export interface DocumentFile {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

const VERIFY_CODE = /^[A-Za-z0-9_-]{22}$/;

@Injectable()
export class DocumentsService {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly repository: DocumentsRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly files: AttachmentsService,
  ) {}

  async get(actor: Actor, id: string): Promise<Document> {
    return this.toDocument(await this.find(actor, id));
  }

  async list(
    actor: Actor,
    filter: { institutionId?: string; inspectionId?: string; kind?: string },
    page: PageQueryDto,
  ): Promise<Page<Document>> {
    const { rows, total } = await this.repository.list(actor, filter, page.pageSize, offsetOf(page));
    return { items: rows.map((r) => this.toDocument(r)), total, page: page.page, pageSize: page.pageSize };
  }

  /** The file as issued (rendered once at issue; the PDF's SHA-256 is the one the verify page shows). */
  async file(actor: Actor, id: string, format: 'pdf' | 'docx'): Promise<DocumentFile> {
    const row = await this.find(actor, id);
    const bytes = await this.files.readGenerated(format === 'pdf' ? row.sha256 : row.docx_sha256);
    await this.audit.recordAccess(actor, {
      action: 'document.download',
      entity: 'document',
      entityId: id,
      regionCode: row.region_code,
      data: { format },
    });
    const filename = `${KIND_TITLES[row.kind]}-${row.number}.${format}`;
    const contentType = format === 'pdf' ? 'application/pdf' : 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    return { filename, contentType, bytes };
  }

  /** 送达回执: issued → served, with who received it, when and how. */
  async serve(actor: Actor, id: string, input: { receivedBy: string; receivedOn: string; method: string }): Promise<Document> {
    await this.transactions.run(async (em) => {
      const row = await this.find(actor, id, em);
      if (row.status !== 'issued') {
        throw new DomainException(DocumentError.WrongState, `The document is ${row.status}; only an issued document is served`, {
          currentStatus: row.status,
        });
      }
      const today = todayIn(this.config.timeZone);
      if (input.receivedOn < row.issued_on || input.receivedOn > today) {
        const message = `must be between the issue date ${row.issued_on} and today ${today}`;
        throw new DomainException(DocumentError.InvalidRequest, `receivedOn: ${message}`, { errors: [{ field: 'receivedOn', message }] });
      }
      await this.repository.markServed(em, id, input);
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'document.serve',
        entity: 'document',
        entityId: id,
        regionCode: row.region_code,
        data: { number: row.number, receivedOn: input.receivedOn, method: input.method },
      });
    });
    return this.get(actor, id);
  }

  async revoke(actor: Actor, id: string, reason: string): Promise<Document> {
    await this.transactions.run(async (em) => {
      const row = await this.find(actor, id, em);
      if (row.status === 'revoked')
        throw new DomainException(DocumentError.WrongState, 'The document is already revoked', { currentStatus: row.status });
      await this.repository.markRevoked(em, id, reason);
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'document.revoke',
        entity: 'document',
        entityId: id,
        regionCode: row.region_code,
        data: { number: row.number, reason },
      });
    });
    return this.get(actor, id);
  }

  async verify(code: string): Promise<Verification> {
    const row = VERIFY_CODE.test(code) ? await this.repository.findByCode(code) : undefined;
    if (!row) throw new DomainException(DocumentError.NotFound, 'No document has this verification code');
    return {
      kind: row.kind,
      number: row.number,
      issuerName: row.issuer_name,
      issuedAt: new Date(row.issued_at).toISOString(),
      status: row.status,
      sha256: row.sha256,
    };
  }

  private async find(actor: Actor, id: string, em?: Parameters<DocumentsRepository['findInScope']>[2]): Promise<DocumentRow> {
    const row = await this.repository.findInScope(actor, id, em, em !== undefined);
    if (!row) throw new DomainException(DocumentError.NotFound, `Document ${id} not found`);
    return row;
  }

  toDocument(row: DocumentRow): Document {
    return {
      id: row.id,
      kind: row.kind,
      number: row.number,
      regionCode: row.region_code,
      issuerName: row.issuer_name,
      institutionId: row.institution_id,
      institutionName: row.institution_name,
      inspectionId: row.inspection_id,
      findingIds: row.finding_ids,
      refersTo: row.refers_to,
      issuedBy: row.issued_by,
      issuedAt: new Date(row.issued_at).toISOString(),
      issuedOn: row.issued_on,
      status: row.status,
      servedAt: row.served_at ? new Date(row.served_at).toISOString() : null,
      receivedBy: row.received_by,
      receivedOn: row.received_on,
      serveMethod: row.serve_method,
      revokedReason: row.revoked_reason,
      sha256: row.sha256,
      verifyUrl: `${this.config.publicBaseUrl ?? ''}/verify/${row.verify_code}`,
    };
  }
}
