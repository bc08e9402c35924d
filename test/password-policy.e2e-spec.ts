import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api } from './helpers/api.js';
import { Factories, twoRegionWorld, type TwoRegionWorld } from './factories/world.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

const login = (t: TestApp, username: string, password: string) => api(t).anonymous.post('/auth/login', { username, password });

describe('passwords and lockout (等保 2.0 身份鉴别)', () => {
  let t: TestApp;
  let f: Factories;
  let w: TwoRegionWorld;

  beforeAll(async () => {
    t = await createTestApp({ env: { LOCKOUT_THRESHOLD: '3', LOCKOUT_MINUTES: '30', PASSWORD_MAX_AGE_DAYS: '90' } });
    f = await Factories.for(t);
    w = await twoRegionWorld(f);
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  const newInspector = (username: string, password: string) =>
    api(t).as(w.bureauCj).post('/users', { username, password, displayName: '新检查员', role: 'inspector', regionCode: '522633' });

  it('refuses a weak password, or one containing the username, and creates nothing', async () => {
    const before = await f.count('users');
    // under 8 characters the body itself is invalid; the others break the rules
    expect((await newInspector('cj-new-01', 'Sh0rt!')).body.errors[0].field).toBe('password');
    for (const password of ['alllowercase1', 'ALLUPPERCASE1', 'NoDigitsOrSymbols', 'cj-new-01-Pass']) {
      const res = await newInspector('cj-new-01', password);
      expect(res.status).toBe(400);
      expect(res.body.type).toBe('urn:paicha:problem:user_weak_password');
      expect(res.body.errors[0].field).toBe('password');
    }
    expect((await newInspector('cj-new-01', 'alllowercase1')).body.errors[0].message).toContain('至少三类');
    expect((await newInspector('cj-new-01', 'cj-new-01-Pass')).body.errors[0].message).toBe('密码不能包含用户名');
    expect(await f.count('users')).toBe(before);
  });

  it('makes a password set by someone else a one-use key to choose one’s own', async () => {
    await newInspector('cj-new-02', 'Given-by-bureau-1').expect(201);
    const first = await login(t, 'cj-new-02', 'Given-by-bureau-1').expect(200);
    expect(first.body.passwordChangeRequired).toBe(true);
    const restricted = { token: first.body.accessToken as string };
    const refused = await api(t).as(restricted).get('/auth/me').expect(403);
    expect(refused.body.type).toBe('urn:paicha:problem:password_change_required');
    await api(t).as(restricted).get('/inspections').expect(403);

    const wrong = await api(t)
      .as(restricted)
      .post('/auth/password', { currentPassword: 'nope', newPassword: 'Mine-and-only-1' })
      .expect(400);
    expect(wrong.body.errors).toEqual([{ field: 'currentPassword', message: '当前密码不正确' }]);
    const same = await api(t)
      .as(restricted)
      .post('/auth/password', { currentPassword: 'Given-by-bureau-1', newPassword: 'Given-by-bureau-1' })
      .expect(400);
    expect(same.body.errors[0].field).toBe('newPassword');

    const changed = await api(t)
      .as(restricted)
      .post('/auth/password', { currentPassword: 'Given-by-bureau-1', newPassword: 'Mine-and-only-1' })
      .expect(200);
    expect(changed.body.passwordChangeRequired).toBe(false);
    await api(t).as({ token: changed.body.accessToken }).get('/auth/me').expect(200);
    // the restricted token ended with the change; the old password no longer opens anything
    await api(t).as(restricted).post('/auth/password', { currentPassword: 'Mine-and-only-1', newPassword: 'Another-one-22' }).expect(401);
    await login(t, 'cj-new-02', 'Given-by-bureau-1').expect(401);
    expect((await login(t, 'cj-new-02', 'Mine-and-only-1').expect(200)).body.passwordChangeRequired).toBe(false);

    // none of the last five again
    let current = 'Mine-and-only-1';
    const me = { token: changed.body.accessToken as string };
    const next = await api(t).as(me).post('/auth/password', { currentPassword: current, newPassword: 'Second-choice-2' }).expect(200);
    current = 'Second-choice-2';
    const again = await api(t)
      .as({ token: next.body.accessToken })
      .post('/auth/password', { currentPassword: current, newPassword: 'Mine-and-only-1' })
      .expect(400);
    expect(again.body.errors[0].message).toContain('最近 5 次');
    const events = await f.db.query(`SELECT action FROM audit_events WHERE entity = 'user' AND action LIKE 'user.password%' ORDER BY id`);
    expect(events.rows.map((e: { action: string }) => e.action)).toEqual(['user.password_change', 'user.password_change']);
  });

  it('asks for a new password once the current one is older than PASSWORD_MAX_AGE_DAYS', async () => {
    await f.db.query(`UPDATE users SET password_changed_at = now() - interval '91 days' WHERE id = $1`, [w.inspectorXc.id]);
    expect((await login(t, w.inspectorXc.username, 'fixture-password-123').expect(200)).body.passwordChangeRequired).toBe(true);
    await f.db.query(`UPDATE users SET password_changed_at = now() - interval '89 days' WHERE id = $1`, [w.inspectorXc.id]);
    expect((await login(t, w.inspectorXc.username, 'fixture-password-123').expect(200)).body.passwordChangeRequired).toBe(false);
  });

  it('locks an account after LOCKOUT_THRESHOLD failures in a row, on every instance, and audits it', async () => {
    const user = await f.user({ role: 'inspector', regionCode: '522633' });
    for (let i = 0; i < 2; i++) await login(t, user.username, 'Wrong-password-1').expect(401);
    // a success in between starts the count again
    await login(t, user.username, 'fixture-password-123').expect(200);
    for (let i = 0; i < 3; i++) await login(t, user.username, 'Wrong-password-1').expect(401);
    const locked = await login(t, user.username, 'fixture-password-123').expect(401);
    expect(locked.body.type).toBe('urn:paicha:problem:invalid_credentials');
    // a second instance on the same database refuses too: the lock is in the database
    const other = await createTestApp({ databaseUrl: t.databaseUrl });
    try {
      await login(other, user.username, 'fixture-password-123').expect(401);
    } finally {
      await other.close();
    }
    const lockouts = await f.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.lockout' AND entity_id = $1`, [
      user.id,
    ]);
    expect(lockouts.rows[0].n).toBe(1);
    const reasons = await f.db.query(
      `SELECT data->>'reason' AS reason FROM audit_events WHERE action = 'auth.login_failed' AND entity_id = $1 ORDER BY id`,
      [user.id],
    );
    expect(reasons.rows.map((r: { reason: string }) => r.reason)).toEqual([
      'wrong_password',
      'wrong_password',
      'wrong_password',
      'wrong_password',
      'wrong_password',
      'locked',
      'locked',
    ]);
    // once LOCKOUT_MINUTES have passed
    await f.db.query(`UPDATE users SET locked_until = now() - interval '1 second' WHERE id = $1`, [user.id]);
    await login(t, user.username, 'fixture-password-123').expect(200);
  });
});
