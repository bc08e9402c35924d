import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { Factories, FIXTURE_PASSWORD, twoRegionWorld, type TwoRegionWorld } from './factories/world.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function expect401(res: request.Response): void {
  expect(res.status).toBe(401);
  expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
}

describe('auth', () => {
  let t: TestApp;
  let f: Factories;
  let w: TwoRegionWorld;

  beforeAll(async () => {
    t = await createTestApp();
    f = await Factories.for(t);
    w = await twoRegionWorld(f);
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  it('logs in and the token opens /auth/me', async () => {
    const res = await request(t.http).post('/api/v1/auth/login').send({ username: w.inspectorCj.username, password: FIXTURE_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/),
      tokenType: 'Bearer',
      expiresIn: 900,
      passwordChangeRequired: false,
      mfaEnrollmentRequired: false,
      user: {
        id: w.inspectorCj.id,
        username: w.inspectorCj.username,
        displayName: w.inspectorCj.username,
        role: 'inspector',
        regionCode: '522633',
        institutionId: null,
        active: true,
      },
    });
    // no hash and no password in the answer (passwordChangeRequired is the only password word)
    expect(JSON.stringify(res.body).replace('passwordChangeRequired', '')).not.toMatch(/password|argon2/i);
    const me = await request(t.http).get('/api/v1/auth/me').set('Authorization', `Bearer ${res.body.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(w.inspectorCj.id);
  });

  it('accepts the username in another letter case', async () => {
    const res = await request(t.http)
      .post('/api/v1/auth/login')
      .send({ username: w.headCj.username.toUpperCase(), password: FIXTURE_PASSWORD });
    expect(res.status).toBe(200);
  });

  it('gives one answer for a wrong password, an unknown user and a deactivated user', async () => {
    const inactive = await f.user({ role: 'inspector', regionCode: '522633', active: false });
    const answers = await Promise.all([
      request(t.http).post('/api/v1/auth/login').send({ username: w.bureauCj.username, password: 'wrong-password-1' }),
      request(t.http).post('/api/v1/auth/login').send({ username: 'nobody-here', password: FIXTURE_PASSWORD }),
      request(t.http).post('/api/v1/auth/login').send({ username: inactive.username, password: FIXTURE_PASSWORD }),
    ]);
    for (const res of answers) {
      expect401(res);
      expect(res.body).toEqual({
        type: 'urn:paicha:problem:invalid_credentials',
        title: 'Unauthorized',
        status: 401,
        detail: 'Invalid username or password',
      });
    }
  });

  it('audits logins and failed logins', async () => {
    const { rows } = await f.db.query<{ action: string; entity_id: string | null; data: { username: string; reason?: string } }>(
      `SELECT action, entity_id, data FROM audit_events WHERE action LIKE 'auth.%' ORDER BY id`,
    );
    expect(rows).toContainEqual(expect.objectContaining({ action: 'auth.login', entity_id: w.inspectorCj.id }));
    // a name that is no account is not kept (it may be a password typed into the wrong field)
    expect(rows).toContainEqual({ action: 'auth.login_failed', entity_id: null, data: { ip: expect.any(String), reason: 'unknown_user' } });
    expect(JSON.stringify(rows)).not.toContain('nobody-here');
    expect(rows).toContainEqual(
      expect.objectContaining({
        action: 'auth.login_failed',
        entity_id: w.bureauCj.id,
        data: expect.objectContaining({ reason: 'wrong_password' }),
      }),
    );
  });

  it('validates the login body', async () => {
    const res = await request(t.http).post('/api/v1/auth/login').send({ username: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual({ field: 'password', message: expect.any(String) });
  });

  describe('tokens', () => {
    const me = (token: string) => request(t.http).get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`);

    it('refuses a request without a token', async () => {
      expect401(await request(t.http).get('/api/v1/auth/me'));
      expect401(await request(t.http).get('/api/v1/auth/me').set('Authorization', 'Basic abc'));
      expect401(await request(t.http).get('/api/v1/auth/me').set('Authorization', 'Bearer'));
    });

    it('refuses an expired token', async () => {
      const jwt = t.app.get(JwtService);
      const past = Math.floor(Date.now() / 1000) - 3600;
      const token = await jwt.signAsync({ sub: w.admin.id, ver: 1, iat: past - 60, exp: past });
      expect401(await me(token));
    });

    it('refuses a token signed with another secret', async () => {
      const other = new JwtService({ secret: 'another-secret-that-is-long-enough-000' });
      expect401(await me(await other.signAsync({ sub: w.admin.id, ver: 1 })));
    });

    it('refuses an unsigned (alg: none) token and an HS512 token', async () => {
      const none = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: w.admin.id, ver: 1 })}.`;
      expect401(await me(none));
      const header = base64url({ alg: 'HS512', typ: 'JWT' });
      const payload = base64url({ sub: w.admin.id, ver: 1, exp: Math.floor(Date.now() / 1000) + 600 });
      const sig = createHmac('sha512', t.config.jwtSecret).update(`${header}.${payload}`).digest('base64url');
      expect401(await me(`${header}.${payload}.${sig}`));
    });

    it('refuses a garbage token and one for a user that does not exist', async () => {
      expect401(await me('not.a.token'));
      const jwt = t.app.get(JwtService);
      expect401(await me(await jwt.signAsync({ sub: '00000000-0000-4000-8000-000000000000', ver: 1 })));
    });

    it("stops a deactivated user's token and a token issued before a password change", async () => {
      const victim = await f.user({ role: 'inspector', regionCode: '522633' });
      expect((await me(victim.token)).status).toBe(200);
      const off = await request(t.http)
        .patch(`/api/v1/users/${victim.id}`)
        .set('Authorization', `Bearer ${w.admin.token}`)
        .send({ active: false });
      expect(off.status).toBe(200);
      expect(off.body.active).toBe(false);
      expect401(await me(victim.token));

      const other = await f.user({ role: 'inspector', regionCode: '522633' });
      const changed = await request(t.http)
        .patch(`/api/v1/users/${other.id}`)
        .set('Authorization', `Bearer ${w.bureauCj.token}`)
        .send({ password: 'A-brand-new-password1' });
      expect(changed.status).toBe(200);
      expect401(await me(other.token));
      const relogin = await request(t.http)
        .post('/api/v1/auth/login')
        .send({ username: other.username, password: 'A-brand-new-password1' });
      expect(relogin.status).toBe(200);
      // set by the admin: the new token is good only for choosing one's own password
      expect(relogin.body.passwordChangeRequired).toBe(true);
      expect((await me(relogin.body.accessToken)).status).toBe(403);
    });
  });

  it('rate-limits login per IP and username with 429 problem+json', async () => {
    const username = w.bureauGz.username;
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i < 11; i++) {
      last = await request(t.http).post('/api/v1/auth/login').send({ username, password: 'wrong-password-x' });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    expect(last?.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
    expect(last?.body.status).toBe(429);
    // even the right password waits; another username from the same address does not
    const right = await request(t.http).post('/api/v1/auth/login').send({ username, password: FIXTURE_PASSWORD });
    expect(right.status).toBe(429);
    const other = await request(t.http).post('/api/v1/auth/login').send({ username: w.bureauQdn.username, password: FIXTURE_PASSWORD });
    expect(other.status).toBe(200);
  });
});

describe('admin bootstrap', () => {
  it('creates ADMIN_USERNAME with ADMIN_PASSWORD once, and it can log in', async () => {
    const t = await createTestApp({ env: { ADMIN_USERNAME: 'chief', ADMIN_PASSWORD: 'Head-of-bureau-1' } });
    try {
      const res = await request(t.http).post('/api/v1/auth/login').send({ username: 'chief', password: 'Head-of-bureau-1' });
      expect(res.status).toBe(200);
      expect(res.body.user.role).toBe('admin');
      // a second instance on the same database creates no other admin
      const second = await createTestApp({
        databaseUrl: t.databaseUrl,
        env: { ADMIN_USERNAME: 'other-chief', ADMIN_PASSWORD: 'x-password-12' },
      });
      await second.close();
      const f = await Factories.for(t);
      const { rows } = await f.db.query<{ username: string }>(`SELECT username FROM users WHERE role = 'admin'`);
      await f.close();
      expect(rows).toEqual([{ username: 'chief' }]);
    } finally {
      await t.close();
    }
  });
});
