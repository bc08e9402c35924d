import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { Factories, type FixtureUser } from './factories/world.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

/**
 * Each instance keeps the credentials behind every request in memory; a
 * change to a user must end its sessions on every instance at once, not when
 * a cache entry happens to expire. Two instances of the app on one database.
 */
describe('credentials kept in memory, forgotten on every instance when they change', () => {
  let a: TestApp;
  let b: TestApp;
  let f: Factories;
  let admin: FixtureUser;

  const me = (t: TestApp, user: FixtureUser) => request(t.http).get('/api/v1/auth/me').set('Authorization', `Bearer ${user.token}`);
  /** Milliseconds until the instance refuses the user's token (fails after 3 s). */
  async function refusedWithin(t: TestApp, user: FixtureUser): Promise<number> {
    const started = Date.now();
    while (Date.now() - started < 3000) {
      if ((await me(t, user)).status === 401) return Date.now() - started;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('the token was still accepted after 3 s');
  }

  /** Deactivates the user behind the trigger's back: no instance hears of it. */
  async function deactivateUnannounced(user: FixtureUser): Promise<void> {
    const client = await f.db.connect();
    try {
      await client.query('BEGIN');
      await client.query('ALTER TABLE users DISABLE TRIGGER users_credentials_changed');
      await client.query('UPDATE users SET active = false WHERE id = $1', [user.id]);
      await client.query('ALTER TABLE users ENABLE TRIGGER users_credentials_changed');
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }

  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp({ databaseUrl: a.databaseUrl });
    f = await Factories.for(a);
    await f.regions([
      ['520000', '贵州省', null],
      ['522600', '黔东南苗族侗族自治州', '520000'],
    ]);
    admin = await f.user({ role: 'admin' });
  });

  afterAll(async () => {
    await f.close();
    await b.close();
    await a.close();
  });

  it('serves a known user from memory: a change that announces nothing goes unseen', async () => {
    const user = await f.user({ role: 'bureau', regionCode: '522600' });
    expect((await me(b, user)).status).toBe(200); // b now holds the credentials
    // deactivate behind the triggers' back: b cannot know, and still accepts the token
    await deactivateUnannounced(user);
    expect((await me(b, user)).status).toBe(200);
    // an instance that had not cached the user reads the database: refused
    expect((await me(a, user)).status).toBe(401);
    // any announced change to the row makes b forget it too
    await f.db.query('UPDATE users SET display_name = display_name WHERE id = $1', [user.id]);
    expect(await refusedWithin(b, user)).toBeLessThan(1000);
  });

  it('ends a deactivated user’s sessions at once on the instance that changed it, and within a second on the others', async () => {
    const user = await f.user({ role: 'bureau', regionCode: '522600' });
    expect((await me(a, user)).status).toBe(200);
    expect((await me(b, user)).status).toBe(200);
    const res = await request(a.http)
      .patch(`/api/v1/users/${user.id}`)
      .set('Authorization', `Bearer ${admin.token}`)
      .send({ active: false });
    expect(res.status).toBe(200);
    expect((await me(a, user)).status).toBe(401);
    expect(await refusedWithin(b, user)).toBeLessThan(1000);
  });

  it('ends sessions after a password change, and after a change made straight in the database', async () => {
    const changed = await f.user({ role: 'bureau', regionCode: '522600' });
    const bumped = await f.user({ role: 'bureau', regionCode: '522600' });
    for (const t of [a, b]) for (const u of [changed, bumped]) expect((await me(t, u)).status).toBe(200);
    const res = await request(b.http)
      .patch(`/api/v1/users/${changed.id}`)
      .set('Authorization', `Bearer ${admin.token}`)
      .send({ password: 'a-new-password-123' });
    expect(res.status).toBe(200);
    expect((await me(b, changed)).status).toBe(401);
    expect(await refusedWithin(a, changed)).toBeLessThan(1000);
    await f.db.query('UPDATE users SET token_version = token_version + 1 WHERE id = $1', [bumped.id]);
    expect(await refusedWithin(a, bumped)).toBeLessThan(1000);
    expect(await refusedWithin(b, bumped)).toBeLessThan(1000);
  });

  it('forgets everyone when a region path changes', async () => {
    const user = await f.user({ role: 'bureau', regionCode: '522600' });
    expect((await me(b, user)).status).toBe(200);
    await deactivateUnannounced(user);
    expect((await me(b, user)).status).toBe(200); // still from memory
    await f.db.query(`UPDATE regions SET path = path WHERE code = '522600'`);
    expect(await refusedWithin(b, user)).toBeLessThan(1000);
  });
});
