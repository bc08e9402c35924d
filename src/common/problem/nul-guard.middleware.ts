import type { NextFunction, Request, Response } from 'express';
import { UNPAIRED_SURROGATE } from '../json-safe.js';
import { httpProblem, sendProblem } from './problem.js';
import { fieldPath } from './validation.js';

type Path = (string | number)[];

/**
 * PostgreSQL cannot store U+0000 in text, nor an unpaired UTF-16 surrogate in
 * JSON: a string with either anywhere in the JSON body or the query string is
 * refused here with a 400 naming the field, instead of failing later in the
 * database as a 500 (the routes that pass user text to jsonb are many). So is
 * a query value longer than QUERY_VALUE_MAX.
 */
export function nulGuardMiddleware(req: Request, res: Response, next: NextFunction): void {
  const found = findUnstorable(req.body) ?? findUnstorable(req.query) ?? findTooLong(req.query);
  if (!found) return next();
  const name = fieldName(found.path) || 'body';
  sendProblem(res, httpProblem(400, `${name} ${found.message}`, { errors: [{ field: name, message: found.message }] }));
}

/** The longest value of a query parameter (ids, codes, months, search text); documented as every query string's maxLength. */
export const QUERY_VALUE_MAX = 256;

function findTooLong(query: Request['query']): { path: Path; message: string } | undefined {
  for (const [key, value] of Object.entries(query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string' && v.length > QUERY_VALUE_MAX)
        return { path: [key], message: `must be at most ${QUERY_VALUE_MAX} characters` };
    }
  }
  return undefined;
}

/** Runs for every string of every request: one character-class test, the precise ones only for a suspect. */
const SUSPECT = /[\u0000\uD800-\uDFFF]/;

function unstorable(text: string): string | undefined {
  if (!SUSPECT.test(text)) return undefined;
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  return UNPAIRED_SURROGATE.test(text) ? 'must not contain unpaired UTF-16 surrogates' : undefined;
}

/** The first unstorable string (or key) and where it is; the path is built only on the way back from a find. */
function findUnstorable(value: unknown, depth = 0): { path: Path; message: string } | undefined {
  if (typeof value === 'string') {
    const message = unstorable(value);
    return message ? { path: [], message } : undefined;
  }
  if (value === null || typeof value !== 'object' || depth > 32) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorable(value[i], depth + 1);
      if (found) return { path: [i, ...found.path], message: found.message };
    }
    return undefined;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const message = unstorable(key);
    if (message) return { path: [key], message };
    const found = findUnstorable((value as Record<string, unknown>)[key], depth + 1);
    if (found) return { path: [key, ...found.path], message: found.message };
  }
  return undefined;
}

function fieldName(path: Path): string {
  return path.reduce<string>((name, part) => (name === '' && typeof part === 'string' ? part : fieldPath(name, part)), '');
}
