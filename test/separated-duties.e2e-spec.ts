import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api } from './helpers/api.js';
import { Factories, FIXTURE_PASSWORD, twoRegionWorld, type TwoRegionWorld } from './factories/world.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

/** 三权分立: the admin, the security admin and the auditor, and the one safe way to the first security admin. */
describe('separated duties (三权分立)', () => {
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

  const account = (role: string) => ({ username: f.unique(role.replace('_', '-')), password: 'Strong-enough-1', displayName: role, role });
  const signIn = async (username: string) => ({
    token: (await api(t).anonymous.post('/auth/login', { username, password: 'Strong-enough-1' }).expect(200)).body.accessToken as string,
  });

  it('lets the admin create the first security admin only; from then on the security admin alone grants the privileged roles', async () => {
    // bootstrap: no security admin yet
    const first = account('security_admin');
    await api(t).as(w.admin).post('/users', first).expect(201);
    // the security admin chooses their own password first, like everyone given one
    const given = await signIn(first.username);
    const sa = {
      token: (
        await api(t).as(given).post('/auth/password', { currentPassword: 'Strong-enough-1', newPassword: 'Security-Admin-2' }).expect(200)
      ).body.accessToken as string,
    };

    for (const role of ['admin', 'security_admin', 'auditor']) {
      const refused = await api(t).as(w.admin).post('/users', account(role)).expect(403);
      expect(refused.body.type).toBe('urn:paicha:problem:user_forbidden_role');
    }
    const auditor = account('auditor');
    await api(t).as(sa).post('/users', auditor).expect(201);
    await api(t).as(sa).post('/users', account('admin')).expect(201);
    // and nothing else: business accounts are not the security admin's
    await api(t)
      .as(sa)
      .post('/users', { ...account('inspector'), regionCode: '522633' })
      .expect(403);
    await api(t).as(w.bureauQdn).post('/users', account('auditor')).expect(403);

    // the admin can no longer change or revoke a privileged account
    const saId = (await api(t).as(sa).get('/auth/me').expect(200)).body.id as string;
    await api(t).as(w.admin).patch(`/users/${saId}`, { active: false }).expect(403);
    // the security admin reads no audit, the auditor reads it all and changes nothing
    await api(t).as(sa).get('/audit').expect(403);
    const auditorToken = await signIn(auditor.username);
    const changed = {
      token: (
        await api(t)
          .as(auditorToken)
          .post('/auth/password', { currentPassword: 'Strong-enough-1', newPassword: 'Auditor-own-3' })
          .expect(200)
      ).body.accessToken as string,
    };
    const trail = await api(t).as(changed).get('/audit?pageSize=500').expect(200);
    expect(trail.body.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['user.create', 'auth.login']));
    await api(t).as(changed).get('/audit/verify').expect(200);
    await api(t).as(changed).post('/users', account('auditor')).expect(403);
    await api(t).as(changed).get('/institutions').expect(403);
    await api(t).as(changed).patch(`/users/${saId}`, { active: false }).expect(403);
  });

  it('lets the security admin end a lockout, audited', async () => {
    const sa = await f.user({ role: 'security_admin' });
    const user = await f.user({ role: 'inspector', regionCode: '522633' });
    await f.db.query(`UPDATE users SET locked_until = now() + interval '30 minutes' WHERE id = $1`, [user.id]);
    await api(t).anonymous.post('/auth/login', { username: user.username, password: FIXTURE_PASSWORD }).expect(401);
    await api(t).as(w.admin).post(`/users/${user.id}/unlock`).expect(403);
    await api(t).as(sa).post(`/users/${user.id}/unlock`).expect(200);
    await api(t).anonymous.post('/auth/login', { username: user.username, password: FIXTURE_PASSWORD }).expect(200);
    const events = await f.db.query(`SELECT actor_id FROM audit_events WHERE action = 'user.unlock' AND entity_id = $1`, [user.id]);
    expect(events.rows).toEqual([{ actor_id: sa.id }]);
  });

  it('puts every refusal of a known actor and every report download in the trail (安全审计)', async () => {
    await api(t).as(w.inspectorCj).get('/users').expect(403);
    await api(t).as(w.bureauCj).get('/reports/monthly?regionCode=522633&month=2026-06&format=csv').expect(200);
    // the refusal is recorded after the answer: wait for it
    let refusals: { data: Record<string, string> }[] = [];
    for (let i = 0; i < 50 && refusals.length === 0; i++) {
      refusals = (await f.db.query(`SELECT data FROM audit_events WHERE action = 'auth.forbidden' AND actor_id = $1`, [w.inspectorCj.id]))
        .rows;
      if (refusals.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(refusals).toEqual([{ data: { method: 'GET', path: '/api/v1/users', type: 'urn:paicha:problem:missing_permission' } }]);
    const downloads = await f.db.query(`SELECT entity_id, data FROM audit_events WHERE action = 'report.download' AND actor_id = $1`, [
      w.bureauCj.id,
    ]);
    expect(downloads.rows).toEqual([{ entity_id: '522633', data: { month: '2026-06', format: 'csv' } }]);
  });
});
