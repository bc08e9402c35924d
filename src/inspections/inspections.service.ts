import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { Role } from '../access/roles.js';
import { AttachmentsService } from '../attachments/attachments.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { todayIn } from '../common/dates.js';
import { offsetOf, type Page, type PageQueryDto } from '../common/pagination.js';
import { DomainException } from '../common/problem/domain.exception.js';
import type { FieldError } from '../common/problem/problem.js';
import { Transactions } from '../common/transactions.js';
import { FindingsService, type FailedItem } from '../findings/findings.service.js';
import { RegionsService } from '../regions/regions.service.js';
import { TemplatesService, type CompiledTemplate } from '../templates/templates.service.js';
import type { Template } from '../templates/template.types.js';
import { UsersService } from '../users/users.service.js';
import type { AnswerInputDto } from './dto/inspection.dto.js';
import { InspectionError } from './inspections.errors.js';
import { invalidAnswers, validateAnswers } from './answer-check.js';
import { fillRefusal } from './fill-rule.js';
import { toInspection, type Inspection } from './inspection-mapping.js';
import { InspectionsRepository, type AnswerRow, type AnswerWrite, type InspectionRow } from './inspections.repository.js';

export type { Answer, Inspection } from './inspection-mapping.js';

/** How far ahead of the server's clock a device's answeredAt may be. */
const ANSWERED_AT_FUTURE_MS = 5 * 60 * 1000;

/** Inspections whose pinned template id is kept in memory (an id pair: about 100 bytes each). */
const PINNED_CACHE_SIZE = 50_000;

@Injectable()
export class InspectionsService {
  private readonly pinned = new Map<string, string>();

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly repository: InspectionsRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly templates: TemplatesService,
    private readonly findings: FindingsService,
    private readonly attachments: AttachmentsService,
    private readonly users: UsersService,
    private readonly regions: RegionsService,
  ) {}

  async list(
    actor: Actor,
    filter: { roundId?: string; institutionId?: string; status?: string; assigneeId?: string },
    page: PageQueryDto,
  ): Promise<Page<Inspection>> {
    const { rows, total } = await this.repository.list(actor, filter, page.pageSize, offsetOf(page));
    const answers = await this.repository.answersOf(rows.map((r) => r.id));
    return { items: rows.map((r) => toInspection(r, answers)), total, page: page.page, pageSize: page.pageSize };
  }

  async get(actor: Actor, id: string): Promise<Inspection & { template: Template }> {
    const row = await this.repository.findInScope(actor, id);
    if (!row) throw notFound(id);
    const template = await this.templates.get(row.template_id);
    return { ...toInspection(row, await this.repository.answersOf([id])), template };
  }

  /**
   * The actor's pending and in-progress inspections, each as `get` gives it
   * (answers and pinned template), in three queries whatever their number:
   * those it may fill, or (`onlyFillable` false) all of them in its scope.
   */
  async listOpen(actor: Actor, onlyFillable: boolean): Promise<(Inspection & { template: Template })[]> {
    const rows = await this.repository.listOpen(actor, onlyFillable);
    const answers = new Map<string, AnswerRow[]>();
    for (const answer of await this.repository.answersOf(rows.map((r) => r.id))) {
      const list = answers.get(answer.inspection_id);
      if (list) list.push(answer);
      else answers.set(answer.inspection_id, [answer]);
    }
    // a handful of distinct checklists, however many inspections use them
    const templates = new Map<string, Template>();
    for (const templateId of new Set(rows.map((r) => r.template_id))) templates.set(templateId, await this.templates.get(templateId));
    return rows.map((r) => ({ ...toInspection(r, answers.get(r.id) ?? []), template: templates.get(r.template_id) as Template }));
  }

  /** The inspection as the printed report needs it: with its template, who submitted it and the signature. */
  async forReport(actor: Actor, id: string) {
    const inspection = await this.get(actor, id);
    const { submitted_by, signature } = await this.repository.submission(id);
    const submitter = submitted_by ? await this.users.findCredentials({ id: submitted_by }) : undefined;
    return { ...inspection, submittedByName: submitter?.display_name ?? null, signature };
  }

  /**
   * Saves a batch of answers. The batch is checked against the pinned
   * template first; the save itself is one statement (see the repository), so
   * concurrent batches queue on the row lock, `If-Match` refuses a batch made
   * over a stale version, and the upsert by item code makes a resent batch
   * harmless. A refused batch writes nothing and says why in the order of
   * precedence: 404, 403, 409, then 400 for the batch itself.
   */
  async saveAnswers(actor: Actor, id: string, input: AnswerInputDto[], ifMatch: number | undefined): Promise<Inspection> {
    const templateId = await this.pinnedTemplateOf(id);
    if (!templateId) throw notFound(id);
    let answers: AnswerWrite[];
    try {
      answers = validateAnswers((await this.templates.compiledById(templateId)) as CompiledTemplate, input);
      await this.checkAttachments(actor, answers);
      await this.checkAnsweredAt(id, answers);
    } catch (error) {
      // an object out of scope, or one this actor may not fill now, answers as such, not with its checklist's errors
      const row = await this.repository.findInScope(actor, id);
      throw (row ? fillRefusal(actor, row, ifMatch) : notFound(id)) ?? error;
    }
    const outcome = await this.repository.saveAnswers(actor, id, ifMatch, answers, {
      action: 'inspection.answer',
      data: { items: answers.length, fail: answers.filter((a) => a.result === 'fail').map((a) => a.itemCode) },
    });
    if (!outcome) throw notFound(id);
    if (!outcome.saved) {
      throw fillRefusal(actor, outcome.row, ifMatch) ?? new Error(`Inspection ${id}: the save refused a batch the service accepts`);
    }
    if (outcome.raced) {
      // another batch committed while this one waited for the row, after the
      // statement's snapshot: read the answers again (they may be newer than this version, never older)
      return toInspection(outcome.row, await this.repository.answersOf([id]));
    }
    // the batch's answers are what was just written; the database sends only the others (in the order
    // answersOf gives: item codes by code point)
    const written: AnswerRow[] = answers.map((a) => ({
      inspection_id: id,
      item_code: a.itemCode,
      result: a.result,
      value: a.value ?? null,
      note: a.note,
      attachment_ids: a.attachmentIds,
      answered_by: actor.id,
      answered_at: a.answeredAt ? new Date(a.answeredAt) : outcome.savedAt,
      saved_at: outcome.savedAt,
    }));
    const all = [...outcome.others, ...written].sort((x, y) => (x.item_code < y.item_code ? -1 : x.item_code > y.item_code ? 1 : 0));
    return toInspection(outcome.row, all);
  }

  /** The template an inspection is pinned to (it never changes, so it is cached); undefined if there is no such inspection. */
  private async pinnedTemplateOf(id: string): Promise<string | undefined> {
    const cached = this.pinned.get(id);
    if (cached) return cached;
    const templateId = await this.repository.templateIdOf(id);
    if (templateId) {
      if (this.pinned.size >= PINNED_CACHE_SIZE) this.pinned.delete(this.pinned.keys().next().value as string);
      this.pinned.set(id, templateId);
    }
    return templateId;
  }

  /**
   * A device's `answeredAt` is believed within bounds: not more than
   * ANSWERED_AT_FUTURE_MS ahead of the server's clock (a clock a little fast),
   * and not before the round began (the start of its startsOn in TZ).
   */
  private async checkAnsweredAt(id: string, answers: AnswerWrite[]): Promise<void> {
    if (!answers.some((a) => a.answeredAt !== null)) return;
    const latest = Date.now() + ANSWERED_AT_FUTURE_MS;
    const opensAt = await this.repository.answersOpenAt(id, this.config.timeZone);
    const errors: FieldError[] = [];
    answers.forEach((a, i) => {
      if (a.answeredAt === null) return;
      const at = Date.parse(a.answeredAt);
      if (at > latest) errors.push({ field: `answers[${i}].answeredAt`, message: 'must not be more than 5 minutes in the future' });
      else if (opensAt && at < opensAt.getTime())
        errors.push({ field: `answers[${i}].answeredAt`, message: `must not be before the round began (${opensAt.toISOString()})` });
    });
    if (errors.length > 0) throw invalidAnswers(errors);
  }

  private async checkAttachments(actor: Actor, answers: AnswerWrite[]): Promise<void> {
    const attachmentIds = answers.flatMap((a) => a.attachmentIds ?? []);
    if (attachmentIds.length === 0) return;
    const invisible = await this.attachments.invisible(actor, attachmentIds);
    if (invisible.length > 0) {
      throw invalidAnswers(
        answers.flatMap((a, i) =>
          (a.attachmentIds ?? [])
            .filter((x) => invisible.includes(x))
            .map((x) => ({ field: `answers[${i}].attachmentIds`, message: `attachment ${x} does not exist or is not yours` })),
        ),
      );
    }
  }

  /**
   * Submits in one transaction: every item answered, photos where a failed item
   * needs one, status submitted, one finding per failed item, notifications,
   * audit. The row lock makes a concurrent second submit see `submitted` (409).
   */
  async submit(actor: Actor, id: string, signature: string | undefined): Promise<{ inspection: Inspection; findingsCreated: number }> {
    return this.transactions.run(async (em) => {
      const row = await this.lockFillable(actor, id, em);
      const template = (await this.templates.compiledById(row.template_id)) as CompiledTemplate;
      const answers = await this.repository.answersOf([id], em);
      const answered = new Map(answers.map((a) => [a.item_code, a]));
      const missing = [...template.items.keys()].filter((code) => !answered.has(code));
      if (missing.length > 0) {
        throw new DomainException(InspectionError.Incomplete, `${missing.length} item(s) are not answered: ${missing.join(', ')}`, {
          missing,
        });
      }
      const needPhotos = answers
        .filter((a) => a.result === 'fail' && template.items.get(a.item_code)?.requiresPhotoOnFail && !a.attachment_ids?.length)
        .map((a) => a.item_code);
      if (needPhotos.length > 0) {
        throw new DomainException(InspectionError.PhotoRequired, `Failed item(s) need a photo: ${needPhotos.join(', ')}`, {
          missingPhotos: needPhotos,
        });
      }
      await this.repository.markSubmitted(em, id, actor.id, signature ?? null);
      const failed: FailedItem[] = answers
        .filter((a) => a.result === 'fail' && template.items.has(a.item_code))
        .map((a) => {
          const item = template.items.get(a.item_code)!;
          return {
            itemCode: a.item_code,
            sectionTitle: item.sectionTitle,
            title: item.text,
            note: a.note,
            severity: item.severity,
            deadlineDays: item.deadlineDays,
            deadlineWorkdays: item.deadlineWorkdays,
            attachmentIds: a.attachment_ids ?? [],
          };
        });
      const foundOn = todayIn(this.config.timeZone);
      const findingsCreated = await this.findings.createFromInspection(
        em,
        actor,
        { id, institutionId: row.institution_id, regionCode: row.region_code },
        foundOn,
        failed,
      );
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'inspection.submit',
        entity: 'inspection',
        entityId: id,
        regionCode: row.region_code,
        data: { findingsCreated, failedItems: failed.map((f) => f.itemCode), signed: signature !== undefined },
      });
      const updated = (await this.repository.findInScope(actor, id, em)) as InspectionRow;
      return { inspection: toInspection(updated, await this.repository.answersOf([id], em)), findingsCreated };
    });
  }

  /** A bureau hands a supervisory inspection to an inspector whose region contains the institution. */
  async assign(actor: Actor, id: string, inspectorId: string): Promise<Inspection> {
    return this.transactions.run(async (em) => {
      const row = await this.repository.findInScope(actor, id, em, true);
      if (!row) throw notFound(id);
      if (row.kind !== 'supervisory') {
        throw new DomainException(InspectionError.WrongState, 'A self-check is filled by the institution head and is not assigned', {
          currentStatus: row.status,
        });
      }
      if (row.status === 'submitted' || row.status === 'missed') {
        throw new DomainException(InspectionError.WrongState, `The inspection is ${row.status}`, { currentStatus: row.status });
      }
      const inspector = await this.users.findCredentials({ id: inspectorId });
      const region = await this.regions.find(row.region_code);
      if (
        !inspector ||
        inspector.role !== Role.Inspector ||
        !inspector.active ||
        !inspector.region_path ||
        !region ||
        !region.path.startsWith(inspector.region_path)
      ) {
        throw new DomainException(
          InspectionError.InvalidAssignee,
          `User ${inspectorId} is not an active inspector whose region contains the institution`,
          {
            errors: [{ field: 'inspectorId', message: 'must be an active inspector whose region contains the institution' }],
          },
        );
      }
      await this.repository.assign(em, id, inspectorId);
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'inspection.assign',
        entity: 'inspection',
        entityId: id,
        regionCode: row.region_code,
        data: { inspectorId },
      });
      const updated = (await this.repository.findInScope(actor, id, em)) as InspectionRow;
      return toInspection(updated, await this.repository.answersOf([id], em));
    });
  }

  /** The inspection, locked, if this actor may fill it now (see `fillRefusal`). */
  private async lockFillable(actor: Actor, id: string, em: EntityManager): Promise<InspectionRow> {
    const row = await this.repository.findInScope(actor, id, em, true);
    if (!row) throw notFound(id);
    const refusal = fillRefusal(actor, row, undefined);
    if (refusal) throw refusal;
    return row;
  }
}

function notFound(id: string): DomainException {
  return new DomainException(InspectionError.NotFound, `Inspection ${id} not found`);
}
