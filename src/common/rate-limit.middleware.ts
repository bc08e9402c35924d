import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { httpProblem, sendProblem } from './problem/problem.js';

export const RATE_LIMIT_WINDOW_MS = 60_000;
export const RATE_LIMIT_HEADERS = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'] as const;

/**
 * Requests per client and minute, in this process (a fixed window): every API
 * response carries `RateLimit-Limit`, `RateLimit-Remaining` and
 * `RateLimit-Reset` (seconds; IETF draft-ietf-httpapi-ratelimit-headers), and a
 * client over the limit gets 429 with `Retry-After`. The client is its bearer
 * token (a person may work from a bureau behind one address), else its IP.
 * It bounds a runaway client; the login has its own, stricter limit.
 */
export function rateLimitMiddleware(limit: number, now: () => number = Date.now) {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = now();
  return (req: Request, res: Response, next: NextFunction): void => {
    if (limit <= 0) return next();
    const t = now();
    if (t - lastSweep >= RATE_LIMIT_WINDOW_MS) {
      for (const [key, w] of windows) if (t - w.start >= RATE_LIMIT_WINDOW_MS) windows.delete(key);
      lastSweep = t;
    }
    const key = clientKey(req);
    let window = windows.get(key);
    if (!window || t - window.start >= RATE_LIMIT_WINDOW_MS) {
      window = { start: t, count: 0 };
      windows.set(key, window);
    }
    window.count++;
    const reset = Math.max(1, Math.ceil((window.start + RATE_LIMIT_WINDOW_MS - t) / 1000));
    res.setHeader('RateLimit-Limit', String(limit));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, limit - window.count)));
    res.setHeader('RateLimit-Reset', String(reset));
    if (window.count <= limit) return next();
    sendProblem(res, httpProblem(429, `More than ${limit} requests in a minute; try again in ${reset} s`), {
      'Retry-After': String(reset),
    });
  };
}

function clientKey(req: Request): string {
  const auth = req.headers.authorization;
  if (auth && auth.length <= 4096) return `t:${createHash('sha256').update(auth).digest('base64url').slice(0, 22)}`;
  return `ip:${req.ip ?? req.socket.remoteAddress ?? ''}`;
}
