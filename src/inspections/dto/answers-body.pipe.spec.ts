import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import fc from 'fast-check';
import { flattenValidationErrors, ValidationFailedException } from '../../common/problem/validation.js';
import { AnswersBodyPipe } from './answers-body.pipe.js';
import { PutAnswersDto } from './inspection.dto.js';

/** The fields the global validation pipe would reject in this body (what PutAnswersDto declares). */
function dtoErrors(body: unknown): string[] {
  const instance = plainToInstance(PutAnswersDto, body) as object;
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  return [...new Set(flattenValidationErrors(errors).map((e) => e.field))].sort();
}

function pipeErrors(body: unknown): string[] {
  try {
    new AnswersBodyPipe().transform(body);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationFailedException);
    return [...new Set((error as ValidationFailedException).errors.map((e) => e.field))].sort();
  }
}

const UUID = '5f0c6a3e-2b7d-4c1e-9a8f-0d1e2f3a4b5c';
const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 30, maxLength: 36, unit: 'grapheme' }),
  fc.constant('x'.repeat(2001)),
  fc.constant('😀'.repeat(1500)), // 3000 UTF-16 units, 1500 characters
  fc.constant('😀'.repeat(1000) + 'x'.repeat(1001)), // 3001 units, 2001 characters: too long
  fc.constant('😀'.repeat(16) + 'x'.repeat(17)), // an item code of 49 units, 33 characters: too long
  fc.array(fc.oneof(fc.constant(UUID), fc.string(), fc.integer()), { maxLength: 22 }),
  fc.constant(Array.from({ length: 21 }, () => UUID)),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
);
const field = (valid: fc.Arbitrary<unknown>) => fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: anyValue });
const anyAnswer = fc.record(
  {
    itemCode: field(fc.constantFrom('A01', 'B02', 'X'.repeat(32), 'X'.repeat(33))),
    result: field(fc.constantFrom('pass', 'fail', 'na', 'maybe')),
    value: anyValue,
    note: field(fc.constantFrom('现场检查无异常', '')),
    attachmentIds: field(fc.constantFrom([UUID], [], [UUID.toUpperCase()], ['nope'])),
    answeredAt: field(
      fc.constantFrom(
        '2026-06-03T09:15:00+08:00',
        '2026-06-03T01:15:00.123Z',
        '2026-06-03T09:15',
        '2026-06-03',
        '2026-06-03 09:15:00Z',
        'nope',
      ),
    ),
    extra: fc.integer(),
  },
  { requiredKeys: [] },
);
const goodAnswer = fc.record(
  {
    itemCode: fc.constantFrom('A01', 'B02', 'X'.repeat(32)),
    result: fc.constantFrom('pass', 'fail', 'na'),
    value: fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.boolean()),
    note: fc.constantFrom('现场检查无异常', '', '😀'.repeat(1500)),
    attachmentIds: fc.constantFrom(
      [UUID],
      [],
      [UUID.toUpperCase()],
      Array.from({ length: 20 }, () => UUID),
    ),
    answeredAt: fc.constantFrom('2026-06-03T09:15:00+08:00', '2026-06-03T01:15Z', '2026-06-03T01:15:00.123456789-05:30'),
  },
  { requiredKeys: ['itemCode', 'result'] },
);
const element = fc.oneof(
  { weight: 12, arbitrary: goodAnswer },
  { weight: 3, arbitrary: anyAnswer },
  { weight: 1, arbitrary: anyValue.filter((v) => v !== undefined) },
);
const body = fc.oneof(
  { weight: 10, arbitrary: fc.record({ answers: fc.array(element, { minLength: 1, maxLength: 3 }) }) },
  {
    weight: 3,
    arbitrary: fc.record(
      {
        answers: fc.oneof({ weight: 4, arbitrary: fc.array(element, { maxLength: 4 }) }, { weight: 1, arbitrary: anyValue }),
        extra: fc.string(),
      },
      { requiredKeys: [] },
    ),
  },
);

describe('AnswersBodyPipe', () => {
  it('rejects exactly the fields PutAnswersDto rejects, on 3,000 generated bodies', () => {
    let rejected = 0;
    fc.assert(
      fc.property(body, (b) => {
        const expected = dtoErrors(b);
        if (expected.length > 0) rejected++;
        const answers = (b as { answers?: unknown }).answers;
        const walkedInto = Array.isArray(answers) ? answers.some((a) => Array.isArray(a)) : answers !== null && typeof answers === 'object';
        if (walkedInto) {
          // class-validator walks into an object given as the list, or an array given as an answer, and names
          // what it finds inside (an empty array even passes as an answer); the pipe refuses the shape itself
          expect(pipeErrors(b)).toContain(Array.isArray(answers) ? `answers[${answers.findIndex((a) => Array.isArray(a))}]` : 'answers');
        } else {
          expect(pipeErrors(b)).toEqual(expected);
        }
      }),
      { numRuns: 3000, seed: 20261130 },
    );
    // the generator must exercise both sides
    expect(rejected).toBeGreaterThan(500);
    expect(rejected).toBeLessThan(2900);
  });

  it('passes a valid batch through unchanged and refuses a body that is not an object', () => {
    const valid = {
      answers: [
        { itemCode: 'A01', result: 'pass', value: 2, note: '正常', attachmentIds: [UUID], answeredAt: '2026-06-03T09:15:00+08:00' },
      ],
    };
    expect(new AnswersBodyPipe().transform(valid)).toBe(valid);
    for (const bad of [null, [], [valid], 'answers', 42]) expect(pipeErrors(bad)).toEqual(['answers']);
    const batch = (n: number) => ({ answers: Array.from({ length: n }, () => ({ itemCode: 'A01', result: 'pass' })) });
    for (const n of [0, 501]) expect([n, pipeErrors(batch(n))]).toEqual([n, dtoErrors(batch(n))]);
    expect(pipeErrors(batch(500))).toEqual([]);
  });
});
