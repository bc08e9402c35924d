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
import type { AnswerInputDto, AnswerResult, InspectionStatus } from './dto/inspection.dto.js';
import { InspectionError } from './inspections.errors.js';
import { InspectionsRepository, type AnswerRow, type AnswerWrite, type InspectionRow } from './inspections.repository.js';

export interface Answer {
  itemCode: string;
  result: AnswerResult;
  value?: unknown;
  note?: string;
  attachmentIds?: string[];
  answeredBy: string;
  answeredAt: string;
  savedAt: string;
}

export interface Inspection {
  id: string;
  roundId: string;
  institutionId: string;
  institutionName: string;
  regionCode: string;
  templateId: string;
  templateVersion: number;
  kind: 'self' | 'supervisory';
  status: InspectionStatus;
  assigneeId: string | null;
  assigneeIds: string[];
  answers: Answer[];
  submittedAt: string | null;
  version: number;
}

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
      else if (opensAt && at < opensAt.getTime()) errors.push({ field: `answers[${i}].answeredAt`, message: `must not be before the round began (${opensAt.toISOString()})` });
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
          (a.attachmentIds ?? []).filter((x) => invisible.includes(x)).map((x) => ({ field: `answers[${i}].attachmentIds`, message: `attachment ${x} does not exist or is not yours` })),
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
        throw new DomainException(InspectionError.Incomplete, `${missing.length} item(s) are not answered: ${missing.join(', ')}`, { missing });
      }
      const needPhotos = answers
        .filter((a) => a.result === 'fail' && template.items.get(a.item_code)?.requiresPhotoOnFail && !(a.attachment_ids?.length))
        .map((a) => a.item_code);
      if (needPhotos.length > 0) {
        throw new DomainException(InspectionError.PhotoRequired, `Failed item(s) need a photo: ${needPhotos.join(', ')}`, { missingPhotos: needPhotos });
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
        throw new DomainException(InspectionError.WrongState, 'A self-check is filled by the institution head and is not assigned', { currentStatus: row.status });
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
        throw new DomainException(InspectionError.InvalidAssignee, `User ${inspectorId} is not an active inspector whose region contains the institution`, {
          errors: [{ field: 'inspectorId', message: 'must be an active inspector whose region contains the institution' }],
        });
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

/**
 * Why this actor may not fill the inspection now, if not: 403 for the wrong
 * role or another inspector's assignment; 409 once submitted or missed, or
 * over a stale `If-Match`. The repository's one-statement save applies the same rule in SQL.
 */
function fillRefusal(actor: Actor, row: InspectionRow, ifMatch: number | undefined): DomainException | undefined {
  if (row.kind === 'supervisory' && actor.role !== Role.Inspector) {
    return new DomainException(InspectionError.NotYours, 'A supervisory inspection is filled by an inspector');
  }
  if (row.kind === 'self' && actor.role !== Role.InstitutionHead) {
    return new DomainException(InspectionError.NotYours, 'A self-check is filled by the head of the institution');
  }
  if (row.kind === 'supervisory' && row.assignee_id !== null && !row.assignee_ids.includes(actor.id)) {
    return new DomainException(InspectionError.NotYours, 'This inspection is assigned to another inspector');
  }
  if (row.status === 'submitted' || row.status === 'missed') {
    return new DomainException(InspectionError.WrongState, `The inspection is ${row.status}`, { currentStatus: row.status });
  }
  if (ifMatch !== undefined && ifMatch !== row.version) {
    return new DomainException(InspectionError.StaleVersion, `The inspection is at version ${row.version}, not ${ifMatch}: reload it`, {
      currentVersion: row.version,
    });
  }
  return undefined;
}

/** Checks a batch against the pinned template: known items, once each, a value that fits the response type. */
function validateAnswers(template: CompiledTemplate, input: AnswerInputDto[]): AnswerWrite[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  input.forEach((a, i) => {
    const item = template.items.get(a.itemCode);
    const field = `answers[${i}]`;
    if (!item) {
      errors.push({ field: `${field}.itemCode`, message: `${a.itemCode} is not an item of this checklist` });
      return;
    }
    if (seen.has(a.itemCode)) errors.push({ field: `${field}.itemCode`, message: `${a.itemCode} appears twice in the batch` });
    seen.add(a.itemCode);
    if (a.answeredAt !== undefined && a.answeredAt !== null && !isRealInstant(a.answeredAt)) {
      errors.push({ field: `${field}.answeredAt`, message: 'is not a real date and time' });
    }
    const value = a.value;
    const given = value !== undefined && value !== null;
    switch (item.responseType) {
      case 'number':
        if (given && (typeof value !== 'number' || !Number.isFinite(value))) errors.push({ field: `${field}.value`, message: 'must be a number for this item' });
        else if (!given && a.result !== 'na') errors.push({ field: `${field}.value`, message: 'a number item needs its reading unless na' });
        break;
      case 'text':
        if (given && (typeof value !== 'string' || value.length > 2000)) errors.push({ field: `${field}.value`, message: 'must be a string of at most 2000 characters' });
        else if (!given && a.result !== 'na') errors.push({ field: `${field}.value`, message: 'a text item needs its text unless na' });
        break;
      default:
        if (given && !['string', 'number', 'boolean'].includes(typeof value)) {
          errors.push({ field: `${field}.value`, message: 'must be a string, number or boolean' });
        } else if (typeof value === 'string' && value.length > 2000) {
          errors.push({ field: `${field}.value`, message: 'must be at most 2000 characters' });
        }
    }
  });
  if (errors.length > 0) throw invalidAnswers(errors);
  return input.map((a) => ({
    itemCode: a.itemCode,
    result: a.result,
    value: a.value ?? null,
    note: a.note ?? null,
    attachmentIds: a.attachmentIds ? [...new Set(a.attachmentIds.map((x) => x.toLowerCase()))] : null,
    // to the millisecond, as JavaScript holds it, so the answer says what the database keeps
    answeredAt: a.answeredAt ? new Date(a.answeredAt).toISOString() : null,
  }));
}

/** An instant of the answeredAt pattern whose date and time exist (no 30 February, no 25:00). */
function isRealInstant(value: string): boolean {
  const at = Date.parse(value);
  if (Number.isNaN(at)) return false;
  const [, y, mo, d, h, mi] = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value) as RegExpExecArray;
  const local = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi)));
  return local.getUTCFullYear() === Number(y) && local.getUTCMonth() === Number(mo) - 1 && local.getUTCDate() === Number(d) && local.getUTCHours() === Number(h);
}

function invalidAnswers(errors: FieldError[]): DomainException {
  return new DomainException(InspectionError.InvalidAnswer, errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
}

function notFound(id: string): DomainException {
  return new DomainException(InspectionError.NotFound, `Inspection ${id} not found`);
}

function toAnswer(row: AnswerRow, iso: { answered: (at: Date | string) => string; saved: (at: Date | string) => string }): Answer {
  // built field by field in the order of the contract: this runs for every answer of every saved batch
  const answer = { itemCode: row.item_code, result: row.result } as Answer;
  if (row.value !== null) answer.value = row.value;
  if (row.note !== null) answer.note = row.note;
  if (row.attachment_ids !== null) answer.attachmentIds = row.attachment_ids;
  answer.answeredBy = row.answered_by;
  answer.answeredAt = iso.answered(row.answered_at);
  answer.savedAt = iso.saved(row.saved_at);
  return answer;
}

/** ISO 8601 of a timestamp, remembering the last one: the answers of one batch share theirs. */
function isoOfTimestamps(): (at: Date | string) => string {
  let lastKey: number | string | undefined;
  let lastIso = '';
  return (at) => {
    const key = at instanceof Date ? at.getTime() : at;
    if (key !== lastKey) {
      lastKey = key;
      lastIso = new Date(at).toISOString();
    }
    return lastIso;
  };
}

function answersFor(inspectionId: string, rows: AnswerRow[]): Answer[] {
  const iso = { answered: isoOfTimestamps(), saved: isoOfTimestamps() };
  const out: Answer[] = [];
  for (const row of rows) if (row.inspection_id === inspectionId) out.push(toAnswer(row, iso));
  return out;
}

export function toInspection(row: InspectionRow, answers: AnswerRow[]): Inspection {
  return {
    id: row.id,
    roundId: row.round_id,
    institutionId: row.institution_id,
    institutionName: row.institution_name,
    regionCode: row.region_code,
    templateId: row.template_id,
    templateVersion: row.template_version,
    kind: row.kind,
    status: row.status,
    assigneeId: row.assignee_id,
    assigneeIds: row.assignee_ids,
    answers: answersFor(row.id, answers),
    submittedAt: row.submitted_at ? new Date(row.submitted_at).toISOString() : null,
    version: row.version,
  };
}
