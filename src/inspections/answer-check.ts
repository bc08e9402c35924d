import { DomainException } from '../common/problem/domain.exception.js';
import type { FieldError } from '../common/problem/problem.js';
import type { CompiledTemplate } from '../templates/templates.service.js';
import type { AnswerInputDto } from './dto/inspection.dto.js';
import { InspectionError } from './inspections.errors.js';
import type { AnswerWrite } from './inspections.repository.js';

/** Checks a batch against the pinned template: known items, once each, a value that fits the response type. */
export function validateAnswers(template: CompiledTemplate, input: AnswerInputDto[]): AnswerWrite[] {
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
        if (given && (typeof value !== 'number' || !Number.isFinite(value)))
          errors.push({ field: `${field}.value`, message: 'must be a number for this item' });
        else if (!given && a.result !== 'na')
          errors.push({ field: `${field}.value`, message: 'a number item needs its reading unless na' });
        break;
      case 'text':
        if (given && (typeof value !== 'string' || value.length > 2000))
          errors.push({ field: `${field}.value`, message: 'must be a string of at most 2000 characters' });
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
  return (
    local.getUTCFullYear() === Number(y) &&
    local.getUTCMonth() === Number(mo) - 1 &&
    local.getUTCDate() === Number(d) &&
    local.getUTCHours() === Number(h)
  );
}

export function invalidAnswers(errors: FieldError[]): DomainException {
  return new DomainException(InspectionError.InvalidAnswer, errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
}
