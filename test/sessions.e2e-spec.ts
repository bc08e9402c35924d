import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Factories, FIXTURE_PASSWORD } from './factories/world.js';
import { api } from './helpers/api.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

/** Sessions (等保 2.0 身份鉴别: 登录失败处理, 会话超时): refresh rotation, reuse, idle and absolute ends, logout. */
describe('sessions', () => {
  let t: TestApp;
  let f: Factories;
  let sa: { token: string; id: string };

  const login = async (username: string) =>
    (await api(t).anonymous.post('/auth/login', { username, password: FIXTURE_PASSWORD }).expect(200)).body;
  const refresh = (refreshToken: string) => api(t).anonymous.post('/auth/refresh', { refreshToken });
  const session = async (refreshToken: string) =>
    (
      await f.db.query(`SELECT ended_at IS NOT NULL AS ended, end_reason, generation FROM auth_sessions WHERE id = $1`, [
        refreshToken.split('.')[0],
      ])
    ).rows[0];

  beforeAll(async () => {
    t = await createTestApp({ env: { ACCESS_TOKEN_MINUTES: '15', SESSION_IDLE_MINUTES: '30' } });
    f = await Factories.for(t);
    await f.regions([['520000', '贵州省', null]]);
    sa = await f.user({ role: 'security_admin' });
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  it('rotates the refresh token on every use and answers a fresh access token', async () => {
    const user = await f.user({ role: 'inspector', regionCode: '520000' });
    const first = await login(user.username);
    expect(first.expiresIn).toBe(900);
    const second = (await refresh(first.refreshToken).expect(200)).body;
    expect(second).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/),
      expiresIn: 900,
    });
    expect(second.refreshToken.split('.')[0]).toBe(first.refreshToken.split('.')[0]);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const me = await api(t).as({ token: second.accessToken }).get('/auth/me').expect(200);
    expect(me.body.id).toBe(user.id);
    const third = (await refresh(second.refreshToken).expect(200)).body;
    expect(await session(third.refreshToken)).toEqual({ ended: false, end_reason: null, generation: 2 });
    // only a digest is kept, never the token
    const stored = await f.db.query(`SELECT refresh_digest FROM auth_sessions WHERE id = $1`, [third.refreshToken.split('.')[0]]);
    expect(stored.rows[0].refresh_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.rows[0].refresh_digest).not.toContain(third.refreshToken.split('.')[1]);
  });

  it('ends the whole session when a spent refresh token comes back (a stolen copy), audits it and tells the security admins', async () => {
    const user = await f.user({ role: 'inspector', regionCode: '520000' });
    const stolen = await login(user.username);
    const legit = (await refresh(stolen.refreshToken).expect(200)).body;
    const reuse = await refresh(stolen.refreshToken).expect(401);
    expect(reuse.body.type).toBe('urn:paicha:problem:invalid_refresh_token');
    // the legitimate holder is out too: both the access and the refresh token of the session stop
    await api(t).as({ token: legit.accessToken }).get('/auth/me').expect(401);
    await refresh(legit.refreshToken).expect(401);
    expect(await session(stolen.refreshToken)).toEqual({ ended: true, end_reason: 'refresh_reuse', generation: 1 });
    const events = await f.db.query(
      `SELECT data->>'reason' AS reason FROM audit_events WHERE action = 'auth.refresh_reuse' AND entity_id = $1`,
      [user.id],
    );
    expect(events.rows).toEqual([{ reason: 'refresh_reuse' }]);
    const notices = await api(t).as(sa).get('/notifications').expect(200);
    expect(
      notices.body.items.filter((n: { kind: string; message: string }) => n.kind === 'security' && n.message.includes(user.username)),
    ).toHaveLength(1);
  });

  it('refuses refresh tokens that are malformed or unknown, changing nothing', async () => {
    for (const token of ['nope', `00000000-0000-4000-8000-000000000000.${'a'.repeat(43)}`, '']) {
      const res = await refresh(token);
      expect([400, 401]).toContain(res.status);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    }
  });

  it('ends a session idle for SESSION_IDLE_MINUTES, and one older than 12 hours', async () => {
    const user = await f.user({ role: 'inspector', regionCode: '520000' });
    const idle = await login(user.username);
    await f.db.query(`UPDATE auth_sessions SET last_seen_at = now() - interval '31 minutes' WHERE id = $1`, [
      idle.refreshToken.split('.')[0],
    ]);
    await api(t).as({ token: idle.accessToken }).get('/auth/me').expect(401);
    await refresh(idle.refreshToken).expect(401);
    expect(await session(idle.refreshToken)).toMatchObject({ ended: true, end_reason: 'idle' });

    const active = await login(user.username);
    await f.db.query(`UPDATE auth_sessions SET last_seen_at = now() - interval '29 minutes' WHERE id = $1`, [
      active.refreshToken.split('.')[0],
    ]);
    const renewed = (await refresh(active.refreshToken).expect(200)).body;
    await f.db.query(`UPDATE auth_sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      active.refreshToken.split('.')[0],
    ]);
    await refresh(renewed.refreshToken).expect(401);
    expect(await session(active.refreshToken)).toMatchObject({ ended: true, end_reason: 'expired' });
  });

  it('logs out at once: the access token and the refresh token stop working', async () => {
    const user = await f.user({ role: 'inspector', regionCode: '520000' });
    const s = await login(user.username);
    const other = await login(user.username);
    await api(t).as({ token: s.accessToken }).get('/auth/me').expect(200);
    await api(t).as({ token: s.accessToken }).post('/auth/logout').expect(204);
    await api(t).as({ token: s.accessToken }).get('/auth/me').expect(401);
    await refresh(s.refreshToken).expect(401);
    expect(await session(s.refreshToken)).toMatchObject({ ended: true, end_reason: 'logout' });
    // the user's other session goes on
    await api(t).as({ token: other.accessToken }).get('/auth/me').expect(200);
  });

  it('ends every session of a user whose password changed, and one of a deactivated user at its next refresh', async () => {
    const user = await f.user({ role: 'inspector', regionCode: '520000' });
    const a = await login(user.username);
    const b = await login(user.username);
    const changed = await api(t)
      .as({ token: a.accessToken })
      .post('/auth/password', { currentPassword: FIXTURE_PASSWORD, newPassword: 'Brand-new-Pass-7' })
      .expect(200);
    await refresh(b.refreshToken).expect(401);
    await refresh(a.refreshToken).expect(401);
    expect(await session(b.refreshToken)).toMatchObject({ ended: true, end_reason: 'password_changed' });
    const fresh = (await refresh(changed.body.refreshToken).expect(200)).body;
    await api(t).as({ token: fresh.accessToken }).get('/auth/me').expect(200);
  });

  it('tells the login screen what it needs (public)', async () => {
    const res = await api(t).anonymous.get('/auth/options').expect(200);
    expect(res.body).toEqual({
      mfaRequiredRoles: [],
      demo: false,
      accessTokenMinutes: 15,
      sessionIdleMinutes: 30,
      lockoutThreshold: 5,
      lockoutMinutes: 30,
    });
  });
});
