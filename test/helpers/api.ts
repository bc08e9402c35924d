import request from 'supertest';
import type { TestApp } from './test-app.js';
import type { Server } from 'node:http';

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
 * `.set()`, `.expect()` as usual. The target is an app of this process, or
 * the base URL of a service started as a process of its own.
 */
export function api(target: TestApp | string) {
  const app: Server | string = typeof target === 'string' ? target : target.http;
  const client = (headers: Record<string, string>) => ({
    get: (path: string) => request(app).get(url(path)).set(headers),
    post: (path: string, body?: string | object) => request(app).post(url(path)).set(headers).send(body),
    put: (path: string, body?: string | object) => request(app).put(url(path)).set(headers).send(body),
    patch: (path: string, body?: string | object) => request(app).patch(url(path)).set(headers).send(body),
    delete: (path: string) => request(app).delete(url(path)).set(headers),
  });
  return { as: (caller: Caller) => client(bearer(caller)), anonymous: client({}) };
}
