import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { Factories, FIXTURE_PASSWORD } from './factories/world.js';
import { api } from './helpers/api.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

const SELF_ROUTES = new Set([
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/password',
  'POST /api/v1/auth/totp/enroll',
  'POST /api/v1/auth/totp/confirm',
]);

/** 等保 2.0 访问控制, 安全审计, 入侵防范: who works from where, what is told to the security admins, the dormant accounts. */
describe('security controls', () => {
  let t: TestApp;
  let f: Factories;
  let sa: { id: string; token: string };
  const securityNotices = async (like: string) =>
    (
      await f.db.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'security' AND recipient_id = $1 AND message LIKE $2`, [
        sa.id,
        like,
      ])
    ).rows[0].n as number;

  beforeAll(async () => {
    // the privileged roles only from 10.0.0.0/8; the loopback proxy's X-Forwarded-For names the client
    t = await createTestApp({ env: { ADMIN_ALLOWED_CIDRS: '10.0.0.0/8', TRUST_PROXY: 'loopback', DORMANT_DAYS: '90' } });
    f = await Factories.for(t);
    await f.regions([
      ['520000', '贵州省', null],
      ['510000', '四川省', null],
    ]);
    sa = await f.user({ role: 'security_admin' });
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  const from = (ip: string) => ({ 'X-Forwarded-For': ip });

  it('lets admin, security_admin and auditor work only from ADMIN_ALLOWED_CIDRS; other roles anywhere', async () => {
    const admin = await f.user({ role: 'admin' });
    const refused = await request(t.http)
      .post('/api/v1/auth/login')
      .set(from('203.0.113.9'))
      .send({ username: admin.username, password: FIXTURE_PASSWORD });
    expect(refused.status).toBe(403);
    expect(refused.body.type).toBe('urn:paicha:problem:address_not_allowed');
    await request(t.http)
      .post('/api/v1/auth/login')
      .set(from('10.20.30.40'))
      .send({ username: admin.username, password: FIXTURE_PASSWORD })
      .expect(200);
    // a token taken elsewhere does not work from outside either
    await request(t.http)
      .get('/api/v1/users')
      .set({ ...from('203.0.113.9'), Authorization: `Bearer ${admin.token}` })
      .expect(403);
    await request(t.http)
      .get('/api/v1/users')
      .set({ ...from('10.1.1.1'), Authorization: `Bearer ${admin.token}` })
      .expect(200);
    const inspector = await f.user({ role: 'inspector', regionCode: '520000' });
    await request(t.http)
      .post('/api/v1/auth/login')
      .set(from('203.0.113.9'))
      .send({ username: inspector.username, password: FIXTURE_PASSWORD })
      .expect(200);
    const failed = await f.db.query(
      `SELECT data->>'reason' AS reason, data->>'ip' AS ip FROM audit_events WHERE action = 'auth.login_failed' AND entity_id = $1`,
      [admin.id],
    );
    expect(failed.rows).toEqual([{ reason: 'address_not_allowed', ip: '203.0.113.9' }]);
  });

  it('locks after LOCKOUT_THRESHOLD failures across two instances (not per instance) and tells the security admins', async () => {
    const other = await createTestApp({ databaseUrl: t.databaseUrl, env: { ADMIN_ALLOWED_CIDRS: '10.0.0.0/8', TRUST_PROXY: 'loopback' } });
    try {
      const user = await f.user({ role: 'inspector', regionCode: '520000' });
      const attempt = (app: TestApp, password: string) =>
        request(app.http).post('/api/v1/auth/login').send({ username: user.username, password });
      // 3 through A, 2 through B: the fifth locks
      for (const app of [t, other, t, other, t]) await attempt(app, 'Wrong-password-9').expect(401);
      await attempt(other, FIXTURE_PASSWORD).expect(401);
      await attempt(t, FIXTURE_PASSWORD).expect(401);
      const locked = await f.db.query(`SELECT locked_until > now() AS locked FROM users WHERE id = $1`, [user.id]);
      expect(locked.rows).toEqual([{ locked: true }]);
      expect(await securityNotices(`%${user.username}%锁定%`)).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('tells the security admins of a burst of refused requests from one account, once per window', async () => {
    const inspector = await f.user({ role: 'inspector', regionCode: '520000' });
    for (let i = 0; i < 25; i++)
      await api(t)
        .as(inspector)
        .get(`/institutions/${'00000000-0000-4000-8000-' + String(i).padStart(12, '0')}`);
    // the notice is written after the answers: wait for it, bounded
    let n = 0;
    for (let i = 0; i < 50 && n === 0; i++) {
      n = await securityNotices(`%${inspector.username}%拒绝访问%`);
      if (n === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(n).toBe(1);
  });

  it('disables accounts with no login for DORMANT_DAYS, audited, never the last admin; enabling restarts the clock', async () => {
    const dormant = await f.user({ role: 'inspector', regionCode: '520000' });
    const recent = await f.user({ role: 'inspector', regionCode: '520000' });
    await f.db.query(
      `UPDATE users SET activated_at = now() - interval '200 days', last_login_at = now() - interval '91 days' WHERE id = $1`,
      [dormant.id],
    );
    await f.db.query(
      `UPDATE users SET activated_at = now() - interval '200 days', last_login_at = now() - interval '89 days' WHERE id = $1`,
      [recent.id],
    );
    // every admin is dormant, the one running the job too: none is disabled (the system keeps its admins)
    const runner = await f.user({ role: 'admin' });
    await f.db.query(`UPDATE users SET activated_at = now() - interval '200 days', last_login_at = NULL WHERE role = 'admin'`);
    const admins = (await f.db.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND active`)).rows[0].n as number;
    expect(admins).toBeGreaterThanOrEqual(1);
    const run = await request(t.http)
      .post('/api/v1/jobs/deadlines/run')
      .set({ ...from('10.0.0.1'), Authorization: `Bearer ${runner.token}` })
      .send({});
    expect(run.status).toBe(200);
    expect(run.body.dormantAccountsDisabled).toBe(1);
    const states = await f.db.query(`SELECT id, active FROM users WHERE id = ANY($1::uuid[])`, [[dormant.id, recent.id]]);
    expect(Object.fromEntries(states.rows.map((r: { id: string; active: boolean }) => [r.id, r.active]))).toEqual({
      [dormant.id]: false,
      [recent.id]: true,
    });
    expect((await f.db.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND active`)).rows[0].n).toBe(admins);
    await api(t).as(dormant).get('/auth/me').expect(401);
    const audited = await f.db.query(
      `SELECT data->>'days' AS days FROM audit_events WHERE action = 'user.dormant_disabled' AND entity_id = $1`,
      [dormant.id],
    );
    expect(audited.rows).toEqual([{ days: '90' }]);
    expect(await securityNotices('%天未登录，已被自动停用%')).toBe(1);
    // enabled again: its clock restarts, the next run leaves it alone
    await request(t.http)
      .patch(`/api/v1/users/${dormant.id}`)
      .set({ ...from('10.0.0.1'), Authorization: `Bearer ${runner.token}` })
      .send({ active: true })
      .expect(200);
    const again = await request(t.http)
      .post('/api/v1/jobs/deadlines/run')
      .set({ ...from('10.0.0.1'), Authorization: `Bearer ${runner.token}` })
      .send({});
    expect(again.body.dormantAccountsDisabled).toBe(0);
  });

  it('refuses the auditor every write of the API (walking every operation of the OpenAPI description)', async () => {
    const auditor = await f.user({ role: 'auditor' });
    const spec = (await request(t.http).get('/api/docs-json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    const writes: string[] = [];
    for (const [path, operations] of Object.entries(spec.paths)) {
      for (const method of Object.keys(operations).filter((m) => ['post', 'put', 'patch', 'delete'].includes(m))) {
        if (SELF_ROUTES.has(`${method.toUpperCase()} ${path}`)) continue;
        writes.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(writes.length).toBeGreaterThanOrEqual(35);
    const answers: string[] = [];
    for (const route of writes) {
      const [method, path] = route.split(' ');
      const concrete = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000001');
      const res = await request(t.http)
        [method.toLowerCase() as 'post'](concrete)
        .set({ ...from('10.0.0.2'), Authorization: `Bearer ${auditor.token}` })
        .send({});
      if (res.status !== 403) answers.push(`${route} → ${res.status}`);
    }
    expect(answers).toEqual([]);
  });
});
