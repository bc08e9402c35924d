import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api } from './helpers/api.js';
import { Factories } from './factories/world.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

describe('the per-client request limit (RATE_LIMIT_PER_MINUTE)', () => {
  let t: TestApp;
  let f: Factories;

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
    f = await Factories.for(t);
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  it('counts down in the RateLimit headers, then answers 429 problem+json with Retry-After, for that client only', async () => {
    const [a, b] = [await f.user({ role: 'admin' }), await f.user({ role: 'admin' })];
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await api(t).as(a).get('/auth/me').expect(200);
      expect(res.headers['ratelimit-limit']).toBe('5');
      remaining.push(res.headers['ratelimit-remaining']);
      expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(1);
      expect(Number(res.headers['ratelimit-reset'])).toBeLessThanOrEqual(60);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const refused = await api(t).as(a).get('/auth/me').expect(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ type: 'about:blank', title: 'Too Many Requests', status: 429 });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // another person's token has its own count
    const other = await api(t).as(b).get('/auth/me').expect(200);
    expect(other.headers['ratelimit-remaining']).toBe('4');
  });

  it('counts anonymous callers by address, /health included', async () => {
    // logins made by the factories count for this address too: start from what is left
    const first = await api(t).anonymous.get('/health');
    let left = Number(first.headers['ratelimit-remaining']);
    expect(left).toBeLessThan(5);
    const seen: number[] = [];
    while (left > 0) {
      const res = await api(t).anonymous.get('/health').expect(200);
      seen.push(Number(res.headers['ratelimit-remaining']));
      left -= 1;
    }
    expect(seen).toEqual(seen.map((_, i) => seen[0] - i));
    expect((await api(t).anonymous.get('/health')).status).toBe(429);
  });
});
