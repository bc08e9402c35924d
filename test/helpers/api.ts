import request from 'supertest';
import type { TestApp } from './test-app.js';

export const API = '/api/v1';

/** Who calls: anyone with a token (a fixture user, a login's answer). */
export interface Caller {
  token: string;
}

/** The Authorization header of a caller. */
export const bearer = (caller: Caller) => ({ Authorization: `Bearer ${caller.token}` });
const url = (path: string) => (path.startsWith('/health') || path.startsWith('/api/') ? path : `${API}${path}`);

/**
 * The one HTTP client of the e2e specs: `api(t).as(user).get('/findings')`
 * (paths under /api/v1 may leave the prefix out), `api(t).anonymous` for
 * calls with no token. Each call is a supertest request: chain `.send()`,
 * `.set()`, `.expect()` as usual.
 */
export function api(t: TestApp) {
  const client = (headers: Record<string, string>) => ({
    get: (path: string) => request(t.http).get(url(path)).set(headers),
    post: (path: string, body?: string | object) => request(t.http).post(url(path)).set(headers).send(body),
    put: (path: string, body?: string | object) => request(t.http).put(url(path)).set(headers).send(body),
    patch: (path: string, body?: string | object) => request(t.http).patch(url(path)).set(headers).send(body),
    delete: (path: string) => request(t.http).delete(url(path)).set(headers),
  });
  return { as: (caller: Caller) => client(bearer(caller)), anonymous: client({}) };
}
