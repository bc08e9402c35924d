import { Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { Actor } from '../access/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { WorkdaysService } from '../calendar/workdays.service.js';
import { todayIn } from '../common/dates.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { Transactions } from '../common/transactions.js';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import type { DocumentKind } from './document.entity.js';
import { documentNumber, KIND_TITLES } from './document-numbers.js';
import { DocumentError } from './documents.errors.js';
import { DocumentsRepository, type ListedFinding } from './documents.repository.js';
import { DocumentSettingsService } from './document-settings.service.js';
import { renderDocumentDocx } from './renderers/document.docx.js';
import { renderDocumentPdf } from './renderers/document.pdf.js';
import {
  rectificationNoticeLayout,
  recheckOpinionLayout,
  supervisionNoticeLayout,
  type DocumentLayout,
  type LayoutInput,
  type PrintedFinding,
} from './renderers/document-layout.js';

/** Working days an institution has to file its treatment plan after a 挂牌督办 notice. */
const PLAN_WORKDAYS = 10;

interface Issue {
  kind: DocumentKind;
  issuingRegion: string;
  institution: { id: string; name: string; regionCode: string };
  inspectionId: string | null;
  findingIds: string[];
  refersTo: string | null;
  supervisedFindingId: string | null;
  layout: (input: LayoutInput) => DocumentLayout;
  content: Record<string, unknown>;
}

/**
 * Issues the three documents. Each issue is one transaction: the number is
 * taken from the counter row there (locked until commit, given back on
 * rollback), the files are rendered once and kept, the row and its audit
 * event are written. A failure anywhere leaves no number used.
 */
@Injectable()
export class DocumentIssuer {
  /**
   * Issues of one process run one after another: they would queue on the
   * counter row anyway (its lock is held while the files render), and waiting
   * here holds no pooled connection, so a burst of issues cannot starve the
   * pool (50 at once across two instances otherwise timed out waiting for one).
   */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly repository: DocumentsRepository,
    private readonly settings: DocumentSettingsService,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly files: AttachmentsService,
    private readonly workdays: WorkdaysService,
  ) {}

  /** 责令限期整改通知书 for a submitted inspection's open findings; one per inspection. */
  async notice(actor: Actor, inspectionId: string): Promise<string> {
    return this.serially(() =>
      this.transactions.run(async (em) => {
        const inspection = await this.repository.lockInspection(actor, inspectionId, em);
        if (!inspection) throw new DomainException(DocumentError.NotFound, `Inspection ${inspectionId} not found`);
        if (inspection.status !== 'submitted') {
          throw new DomainException(DocumentError.NotReady, `The inspection is ${inspection.status}; a notice needs it submitted`, {
            currentStatus: inspection.status,
          });
        }
        const first = await this.repository.live('rectification_notice', inspectionId, em);
        if (first) throw alreadyIssued(first, `This inspection already has notice ${first.number}`);
        const findings = (await this.repository.findingsOfInspection(inspectionId, em)).filter((f) => f.status !== 'closed');
        if (findings.length === 0) throw new DomainException(DocumentError.NothingToList, 'The inspection has no open finding to list');
        const inspectedOn = todayIn(this.config.timeZone, inspection.submitted_at ?? new Date());
        return this.issue(em, actor, {
          kind: 'rectification_notice',
          issuingRegion: actor.regionCode ?? inspection.round_region_code,
          institution: { id: inspection.institution_id, name: inspection.institution_name, regionCode: inspection.institution_region_code },
          inspectionId,
          findingIds: findings.map((f) => f.id),
          refersTo: null,
          supervisedFindingId: null,
          layout: (input) =>
            rectificationNoticeLayout({ ...input, inspectedOn, roundName: inspection.round_name, findings: findings.map(printed) }),
          content: { inspectedOn, roundName: inspection.round_name, findings: findings.map((f) => ({ id: f.id, ...printed(f) })) },
        });
      }),
    );
  }

  /** 整改复查意见书 answering a notice, once each of its findings is closed or overdue. */
  async recheck(actor: Actor, noticeId: string): Promise<string> {
    return this.serially(() =>
      this.transactions.run(async (em) => {
        const notice = await this.repository.findInScope(actor, noticeId, em, true);
        if (!notice) throw new DomainException(DocumentError.NotFound, `Document ${noticeId} not found`);
        if (notice.kind !== 'rectification_notice')
          throw new DomainException(DocumentError.WrongState, `A recheck answers a rectification notice, not a ${notice.kind}`);
        if (notice.status === 'revoked')
          throw new DomainException(DocumentError.WrongState, `Notice ${notice.number} is revoked`, { currentStatus: notice.status });
        const first = await this.repository.live('recheck_opinion', noticeId, em);
        if (first) throw alreadyIssued(first, `Notice ${notice.number} already has recheck opinion ${first.number}`);
        const findings = await this.repository.lockFindings(notice.finding_ids, em);
        const today = todayIn(this.config.timeZone);
        const pending = findings.filter((f) => f.status !== 'closed' && !f.overdue && f.deadline >= today);
        if (pending.length > 0) {
          throw new DomainException(
            DocumentError.NotReady,
            `${pending.length} finding(s) of ${notice.number} are neither closed nor overdue`,
            {
              pendingFindingIds: pending.map((f) => f.id),
            },
          );
        }
        if (findings.some((f) => f.rectified_by === actor.id)) {
          throw new DomainException(
            DocumentError.OwnRectification,
            'The recheck must be issued by someone other than who submitted a rectification of these findings',
          );
        }
        const outcomes = findings.map((f) => ({ ...printed(f), closed: f.status === 'closed' }));
        return this.issue(em, actor, {
          kind: 'recheck_opinion',
          issuingRegion: notice.region_code,
          institution: {
            id: notice.institution_id,
            name: notice.institution_name,
            regionCode: findings[0]?.region_code ?? notice.region_code,
          },
          inspectionId: notice.inspection_id,
          findingIds: findings.map((f) => f.id),
          refersTo: notice.id,
          supervisedFindingId: null,
          layout: (input) =>
            recheckOpinionLayout({ ...input, noticeNumber: notice.number, noticeIssuedOn: notice.issued_on, findings: outcomes }),
          content: {
            noticeNumber: notice.number,
            noticeIssuedOn: notice.issued_on,
            findings: findings.map((f, i) => ({ id: f.id, ...outcomes[i] })),
          },
        });
      }),
    );
  }

  /** 重大事故隐患挂牌督办通知书 for one major finding. */
  async supervision(actor: Actor, findingId: string): Promise<string> {
    return this.serially(() =>
      this.transactions.run(async (em) => {
        const finding = await this.repository.lockFindingInScope(actor, findingId, em);
        if (!finding) throw new DomainException(DocumentError.NotFound, `Finding ${findingId} not found`);
        if (finding.severity !== 'major')
          throw new DomainException(DocumentError.NotMajor, 'Only a major finding (重大事故隐患) is put under listed supervision');
        if (finding.status === 'closed')
          throw new DomainException(DocumentError.WrongState, 'The finding is closed', { currentStatus: finding.status });
        const first = await this.repository.live('supervision_notice', findingId, em);
        if (first) throw alreadyIssued(first, `This finding already has supervision notice ${first.number}`);
        const planDueOn = this.workdays.add(todayIn(this.config.timeZone), PLAN_WORKDAYS).date;
        return this.issue(em, actor, {
          kind: 'supervision_notice',
          issuingRegion: actor.regionCode ?? finding.institution_region_code,
          institution: { id: finding.institution_id, name: finding.institution_name, regionCode: finding.institution_region_code },
          inspectionId: finding.inspection_id,
          findingIds: [finding.id],
          refersTo: null,
          supervisedFindingId: finding.id,
          layout: (input) => supervisionNoticeLayout({ ...input, finding: printed(finding), foundOn: finding.found_on, planDueOn }),
          content: { planDueOn, foundOn: finding.found_on, findings: [{ id: finding.id, ...printed(finding) }] },
        });
      }),
    );
  }

  private async serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async issue(em: EntityManager, actor: Actor, issue: Issue): Promise<string> {
    const settings = await this.settings.resolve(issue.issuingRegion, em);
    const issuedAt = new Date();
    const issuedOn = todayIn(this.config.timeZone, issuedAt);
    const year = Number(issuedOn.slice(0, 4));
    const serial = await this.repository.takeSerial(em, issue.issuingRegion, issue.kind, year);
    const number = documentNumber(settings.prefixes[issue.kind], year, serial);
    // 128 random bits, URL-safe: the only key of the public verify page
    const verifyCode = randomBytes(16).toString('base64url');
    const url = this.config.publicBaseUrl ? `${this.config.publicBaseUrl}/verify/${verifyCode}` : null;
    const { default: qrcode } = await import('qrcode'); // loaded on first issue, not at boot
    const qrPng = url ? await qrcode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 6 }) : null;
    const layout = issue.layout({
      number,
      issuerName: settings.issuerName,
      institutionName: issue.institution.name,
      issuedOn,
      verify: { code: verifyCode, url, qrPng },
    });
    const [pdf, docx] = await Promise.all([renderDocumentPdf(layout), renderDocumentDocx(layout)]);
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    const [, docxSha256] = await Promise.all([this.files.storeGenerated(pdf), this.files.storeGenerated(docx)]);
    const id = randomUUID();
    await this.repository.insert(em, {
      id,
      kind: issue.kind,
      number,
      regionCode: issue.issuingRegion,
      year,
      serial,
      issuerName: settings.issuerName,
      institutionId: issue.institution.id,
      institutionRegionCode: issue.institution.regionCode,
      inspectionId: issue.inspectionId,
      findingIds: issue.findingIds,
      refersTo: issue.refersTo,
      supervisedFindingId: issue.supervisedFindingId,
      issuedBy: actor.id,
      issuedAt,
      issuedOn,
      verifyCode,
      sha256,
      docxSha256,
      content: { title: KIND_TITLES[issue.kind], ...issue.content },
    });
    await this.audit.append(em, {
      actorId: actor.id,
      action: 'document.issue',
      entity: 'document',
      entityId: id,
      regionCode: issue.institution.regionCode,
      data: { kind: issue.kind, number, institutionId: issue.institution.id, findings: issue.findingIds.length, sha256 },
    });
    return id;
  }
}

function printed(f: ListedFinding): PrintedFinding {
  return { title: f.title, description: f.description, severity: f.severity, basis: f.basis, deadline: f.deadline };
}

function alreadyIssued(first: { id: string; number: string }, detail: string): DomainException {
  return new DomainException(DocumentError.AlreadyIssued, detail, { existingId: first.id, existingNumber: first.number });
}
