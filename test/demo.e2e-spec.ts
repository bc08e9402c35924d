import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { Factories } from './factories/world.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

describe('SEED_DEMO', () => {
  let t: TestApp;
  let f: Factories;
  const login = async (username: string) => {
    const res = await request(t.http).post('/api/v1/auth/login').send({ username, password: 'Paicha-2026' });
    expect(res.status).toBe(200);
    return { Authorization: `Bearer ${res.body.accessToken}` };
  };

  beforeAll(async () => {
    t = await createTestApp({ env: { SEED_DEMO: 'true', MFA_REQUIRED_ROLES: 'admin,security_admin,auditor,bureau' } });
    f = await Factories.for(t);
  }, 60_000);

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  it('gives the three demo accounts of the contract something to do at once', async () => {
    const bureau = await login('demo-bureau');
    expect((await request(t.http).get('/api/v1/auth/me').set(bureau)).body).toMatchObject({ role: 'bureau', regionCode: '522600' });

    const inspector = await login('demo-inspector');
    const me = (await request(t.http).get('/api/v1/auth/me').set(inspector)).body;
    expect(me).toMatchObject({ role: 'inspector', regionCode: '522633' });
    const assigned = await request(t.http).get(`/api/v1/inspections?assigneeId=${me.id}&status=pending`).set(inspector);
    expect(assigned.body.total).toBeGreaterThanOrEqual(1);
    expect(assigned.body.items[0].kind).toBe('supervisory');

    const head = await login('demo-head');
    const headMe = (await request(t.http).get('/api/v1/auth/me').set(head)).body;
    const institution = (await request(t.http).get(`/api/v1/institutions/${headMe.institutionId}`).set(head)).body;
    expect(institution).toMatchObject({ type: 'elderly_care', regionCode: '522633' });
    const self = await request(t.http).get('/api/v1/inspections?status=pending').set(head);
    expect(self.body.items.some((x: { kind: string }) => x.kind === 'self')).toBe(true);

    const states = await f.db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM findings GROUP BY status ORDER BY status',
    );
    expect(states.rows.map((r) => r.status)).toEqual(['closed', 'open', 'pending_verification']);
    const regions = await f.db.query<{ code: string }>(`SELECT code FROM regions WHERE code IN ('522633', '513336', '440600')`);
    expect(regions.rows).toHaveLength(3);
    expect(await f.count('institutions')).toBe(10);
    const verify = await request(t.http)
      .get('/api/v1/audit/verify')
      .set(await login('demo-bureau'));
    expect(verify.status).toBe(403);
  });

  it('lets the demo bureau in without a second factor while SEED_DEMO is on, and says so to the login screen', async () => {
    const res = await request(t.http).post('/api/v1/auth/login').send({ username: 'demo-bureau', password: 'Paicha-2026' });
    expect(res.body).toMatchObject({ passwordChangeRequired: false, mfaEnrollmentRequired: false });
    const options = await request(t.http).get('/api/v1/auth/options');
    expect(options.body).toMatchObject({ demo: true, mfaRequiredRoles: ['admin', 'security_admin', 'auditor', 'bureau'] });
    const flagged = await f.db.query(`SELECT username FROM users WHERE demo ORDER BY username`);
    expect(flagged.rows.map((r: { username: string }) => r.username)).toEqual(['demo-bureau', 'demo-head', 'demo-inspector']);
  });

  it('loads nothing twice when another instance starts on the same database', async () => {
    const before = await f.count('institutions');
    const second = await createTestApp({ databaseUrl: t.databaseUrl, env: { SEED_DEMO: 'true' } });
    await second.close();
    expect(await f.count('institutions')).toBe(before);
  });
});
