import type { NextFunction, Request, Response } from 'express';
import { httpProblem, sendProblem } from './problem.js';

/**
 * PostgreSQL text cannot hold U+0000: a NUL anywhere in the JSON body or the
 * query string is refused here with a 400 naming the field, instead of
 * failing later in the database as a 500.
 */
export function nulGuardMiddleware(req: Request, res: Response, next: NextFunction): void {
  const field = findNul(req.body, '') ?? findNul(req.query, '');
  if (field === undefined) return next();
  const name = field === '' ? 'body' : field;
  sendProblem(res, httpProblem(400, `${name} contains a NUL character`, { errors: [{ field: name, message: 'must not contain NUL characters' }] }));
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
