import type { NextFunction, Request, Response } from 'express';
import { httpProblem, sendProblem } from './problem.js';

/**
 * PostgreSQL text cannot hold U+0000: a NUL anywhere in the JSON body or the
 * query string is refused here with a 400 naming the field, instead of
 * failing later in the database as a 500.
 */
export function nulGuardMiddleware(req: Request, res: Response, next: NextFunction): void {
  // every request passes through here: a walk that builds nothing first, the field's name only for a refusal
  if (!hasNul(req.body) && !hasNul(req.query)) return next();
  const field = findNul(req.body, '') ?? findNul(req.query, '') ?? '';
  const name = field === '' ? 'body' : field;
  sendProblem(res, httpProblem(400, `${name} contains a NUL character`, { errors: [{ field: name, message: 'must not contain NUL characters' }] }));
}

function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value === null || typeof value !== 'object' || depth > 32) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (hasNul(item, depth + 1)) return true;
    return false;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (key.includes('\u0000') || hasNul((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

function findNul(value: unknown, path: string, depth = 0): string | undefined {
  if (depth > 32) return undefined;
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], `${path}[${i}]`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const at = path === '' ? key : `${path}.${key}`;
      if (key.includes('\u0000')) return at;
      const found = findNul(item, at, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
