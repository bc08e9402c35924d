import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/canonical-json.js';
import { flattenValidationErrors } from '../common/problem/validation.js';
import type { FieldError } from '../common/problem/problem.js';
import { CreateTemplateDto } from './dto/template.dto.js';
import type { TemplateContent, TemplateSection } from './template.types.js';

/**
 * The one schema of a template, for the API and the built-in files alike:
 * the DTO's rules plus what they cannot say (codes unique in the template).
 */
export function validateTemplate(plain: unknown): { value?: CreateTemplateDto; errors: FieldError[] } {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    return { errors: [{ field: '(root)', message: 'must be an object with code, name, institutionTypes and sections' }] };
  }
  const value = plainToInstance(CreateTemplateDto, plain);
  const errors = flattenValidationErrors(
    validateSync(value, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } }),
  );
  if (errors.length === 0) errors.push(...uniquenessErrors(value.sections));
  return errors.length === 0 ? { value, errors } : { errors };
}

export function uniquenessErrors(sections: TemplateSection[]): FieldError[] {
  const errors: FieldError[] = [];
  const sectionCodes = new Set<string>();
  const itemCodes = new Set<string>();
  sections.forEach((section, s) => {
    if (sectionCodes.has(section.code))
      errors.push({ field: `sections[${s}].code`, message: `section code ${section.code} is used twice` });
    sectionCodes.add(section.code);
    section.items.forEach((item, i) => {
      if (itemCodes.has(item.code))
        errors.push({ field: `sections[${s}].items[${i}].code`, message: `item code ${item.code} is used twice` });
      itemCodes.add(item.code);
      if (item.deadlineDays !== undefined && item.deadlineWorkdays !== undefined) {
        const message = 'deadlineDays and deadlineWorkdays exclude each other: give one of them';
        const at = `sections[${s}].items[${i}]`;
        errors.push({ field: `${at}.deadlineDays`, message }, { field: `${at}.deadlineWorkdays`, message });
      }
    });
  });
  return errors;
}

/** The content as plain data in a fixed field order, without undefined members. */
export function normalizeContent(input: TemplateContent): TemplateContent {
  return JSON.parse(
    JSON.stringify({
      name: input.name,
      description: input.description,
      institutionTypes: input.institutionTypes,
      sections: input.sections.map((s) => ({
        code: s.code,
        title: s.title,
        items: s.items.map((i) => ({
          code: i.code,
          text: i.text,
          guidance: i.guidance,
          basis: i.basis,
          severity: i.severity,
          responseType: i.responseType,
          requiresPhotoOnFail: i.requiresPhotoOnFail,
          deadlineDays: i.deadlineDays,
          deadlineWorkdays: i.deadlineWorkdays,
        })),
      })),
    }),
  ) as TemplateContent;
}

export function contentHash(content: TemplateContent): string {
  return createHash('sha256')
    .update(canonicalJson(normalizeContent(content)))
    .digest('hex');
}
