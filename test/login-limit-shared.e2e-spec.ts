import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { Factories, FIXTURE_PASSWORD } from './factories/world.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

/** Two instances on one database share one login limit: attempts through A count for B. */
describe('one login limit for all instances', () => {
  let a: TestApp;
  let b: TestApp;
  let f: Factories;

  beforeAll(async () => {
    // the per-address limit is the subject here, not the account lockout (test/password-policy.e2e-spec.ts)
    const env = { LOCKOUT_THRESHOLD: '100' };
    a = await createTestApp({ env });
    b = await createTestApp({ databaseUrl: a.databaseUrl, env });
    f = await Factories.for(a);
  });

  afterAll(async () => {
    await f.close();
    await a.close();
    await b.close();
  });

  const login = (t: TestApp, username: string, password = 'wrong-password-x') =>
    request(t.http).post('/api/v1/auth/login').send({ username, password });

  it('counts attempts through either instance in the database, and opens a new window when the old one is over', async () => {
    const user = await f.user({ role: 'admin' });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await login(i % 2 === 0 ? a : b, user.username)).status);
    expect(statuses).toEqual(Array(10).fill(401));
    // the eleventh, through either instance, waits, even with the right password
    const refusedA = await login(a, user.username, FIXTURE_PASSWORD);
    const refusedB = await login(b, user.username);
    expect([refusedA.status, refusedB.status]).toEqual([429, 429]);
    expect(Number(refusedB.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refusedB.headers['retry-after'])).toBeLessThanOrEqual(60);
    const rows = await f.db.query<{ attempts: number }>('SELECT attempts FROM login_attempts');
    expect(rows.rows.map((r) => r.attempts)).toEqual([12]);

    // ten parallel attempts of another username through both instances: exactly ten counted, none lost
    const other = await f.user({ role: 'admin' });
    const parallel = await Promise.all(Array.from({ length: 10 }, (_, i) => login(i % 2 === 0 ? a : b, other.username)));
    expect(parallel.map((r) => r.status)).toEqual(Array(10).fill(401));
    expect((await login(b, other.username)).status).toBe(429);

    // the window is over: a new one starts with the next attempt
    await f.db.query(`UPDATE login_attempts SET window_start = window_start - interval '61 seconds'`);
    const again = await login(b, user.username, FIXTURE_PASSWORD);
    expect(again.status).toBe(200);
    expect((await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM login_attempts WHERE attempts = 1')).rows[0].n).toBe(1);
  });
});
