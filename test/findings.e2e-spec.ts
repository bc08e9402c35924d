import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { addDays, todayIn } from '../src/common/dates.js';
import { Factories, findingIn, twoRegionWorld, type FixtureUser, type TwoRegionWorld } from './factories/world.js';
import { PNG_1PX } from './helpers/files.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';
import { bearer } from './helpers/api.js';

type State = 'open' | 'pending_verification' | 'closed';
type Action = 'rectify' | 'accept' | 'reject' | 'extend';
type RoleKey = 'admin' | 'bureauIn' | 'bureauOut' | 'inspectorIn' | 'inspectorOut' | 'headOwn' | 'headOther';

const MAY: Record<Action, RoleKey[]> = {
  rectify: ['admin', 'bureauIn', 'bureauOut', 'headOwn', 'headOther'],
  accept: ['admin', 'bureauIn', 'bureauOut', 'inspectorIn', 'inspectorOut'],
  reject: ['admin', 'bureauIn', 'bureauOut', 'inspectorIn', 'inspectorOut'],
  extend: ['admin', 'bureauIn', 'bureauOut'],
};
const OUT: RoleKey[] = ['bureauOut', 'inspectorOut', 'headOther'];

/** What the contract says should happen: status code and the state after. */
function expected(state: State, action: Action, role: RoleKey): [number, State] {
  if (!MAY[action].includes(role)) return [403, state];
  if (OUT.includes(role)) return [404, state];
  switch (action) {
    case 'rectify':
      return state === 'open' ? [200, 'pending_verification'] : [409, state];
    case 'accept':
      return state === 'pending_verification' ? [200, 'closed'] : [409, state];
    case 'reject':
      return state === 'pending_verification' ? [200, 'open'] : [409, state];
    case 'extend':
      return state === 'closed' ? [409, state] : [200, state];
  }
}

describe('findings workflow', () => {
  let t: TestApp;
  let f: Factories;
  let w: TwoRegionWorld;
  let rectifier: FixtureUser;
  const auth = bearer;
  const post = (u: FixtureUser, path: string, body: object) => request(t.http).post(path).set(auth(u)).send(body);
  const statusOf = async (id: string) =>
    (await f.db.query<{ status: State }>('SELECT status FROM findings WHERE id = $1', [id])).rows[0].status;

  beforeAll(async () => {
    t = await createTestApp();
    f = await Factories.for(t);
    w = await twoRegionWorld(f);
    rectifier = await f.user({ role: 'institution_head', institutionId: w.instCj.id });
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  it('follows the state machine for every state × action × role', async () => {
    const roles: Record<RoleKey, FixtureUser> = {
      admin: w.admin,
      bureauIn: w.bureauCj,
      bureauOut: w.bureauGz,
      inspectorIn: w.inspectorCj,
      inspectorOut: w.inspectorXc,
      headOwn: w.headCj,
      headOther: w.headXc,
    };
    const bodies: Record<Action, object> = {
      rectify: { note: '已清理堆放物' },
      accept: { accepted: true },
      reject: { accepted: false, note: '现场复查仍有杂物' },
      extend: { deadline: '2026-07-31', reason: '需采购消防器材' },
    };
    const got: string[] = [];
    const want: string[] = [];
    for (const state of ['open', 'pending_verification', 'closed'] as State[]) {
      for (const action of ['rectify', 'accept', 'reject', 'extend'] as Action[]) {
        for (const role of Object.keys(roles) as RoleKey[]) {
          const id = await findingIn(f, { institutionId: w.instCj.id, regionCode: '522633', status: state, rectifiedBy: rectifier.id });
          const path = `/api/v1/findings/${id}/${action === 'accept' || action === 'reject' ? 'verify' : action}`;
          const res = await post(roles[role], path, bodies[action]);
          got.push(`${state} ${action} ${role} → ${res.status} ${await statusOf(id)}`);
          const [code, after] = expected(state, action, role);
          want.push(`${state} ${action} ${role} → ${code} ${after}`);
          if (res.status === 409) expect(res.body.currentStatus).toBe(state);
        }
      }
    }
    expect(got).toEqual(want);
    expect(got).toHaveLength(84);
  });

  it('needs evidence for a major finding, records it and tells the verifiers', async () => {
    const id = await findingIn(f, { institutionId: w.instCj.id, regionCode: '522633', severity: 'major', createdBy: w.inspectorCj.id });
    const bare = await post(w.headCj, `/api/v1/findings/${id}/rectify`, { note: '已整改' });
    expect(bare.status).toBe(400);
    expect(bare.body.errors).toEqual([
      { field: 'attachmentIds', message: 'a major finding needs at least one photo or document of the rectification' },
    ]);
    const strange = await post(w.headCj, `/api/v1/findings/${id}/rectify`, {
      note: '已整改',
      attachmentIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(strange.status).toBe(400);
    const photo = (await request(t.http).post('/api/v1/attachments').set(auth(w.headCj)).attach('file', PNG_1PX, 'after.png')).body
      .id as string;
    const ok = await post(w.headCj, `/api/v1/findings/${id}/rectify`, { note: '已清理通道，设置禁止堆放标识', attachmentIds: [photo] });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      status: 'pending_verification',
      rectification: { note: '已清理通道，设置禁止堆放标识', attachmentIds: [photo], by: w.headCj.id, at: expect.any(String) },
    });
    expect(ok.body.history.map((h: { action: string }) => h.action)).toEqual(['rectified']);
    // the verifier in scope may open the rectification photo
    expect((await request(t.http).get(`/api/v1/attachments/${photo}`).set(auth(w.inspectorCj))).status).toBe(200);
    expect((await request(t.http).get(`/api/v1/attachments/${photo}`).set(auth(w.inspectorXc))).status).toBe(404);
    const { rows } = await f.db.query(`SELECT recipient_id FROM notifications WHERE finding_id = $1 AND kind = 'rectification_submitted'`, [
      id,
    ]);
    expect(rows.map((r) => r.recipient_id).sort()).toEqual([w.inspectorCj.id, w.bureauCj.id].sort());
  });

  it('never lets the one who rectified verify, and wants a reason to reject', async () => {
    const id = await findingIn(f, { institutionId: w.instCj.id, regionCode: '522633' });
    expect((await post(w.bureauCj, `/api/v1/findings/${id}/rectify`, { note: '局里代为整改' })).status).toBe(200);
    const own = await post(w.bureauCj, `/api/v1/findings/${id}/verify`, { accepted: true });
    expect(own.status).toBe(403);
    expect(own.body.type).toBe('urn:paicha:problem:finding_own_rectification');
    expect((await post(w.inspectorCj, `/api/v1/findings/${id}/verify`, { accepted: false })).status).toBe(400);
    const rejected = await post(w.inspectorCj, `/api/v1/findings/${id}/verify`, { accepted: false, note: '照片不能证明已整改' });
    expect(rejected.body).toMatchObject({ status: 'open', rectification: null });
    const { rows } = await f.db.query(
      `SELECT recipient_id, message FROM notifications WHERE finding_id = $1 AND kind = 'rectification_rejected'`,
      [id],
    );
    // every head of the institution hears it
    expect(rows.map((r) => r.recipient_id).sort()).toEqual([w.headCj.id, rectifier.id].sort());
    for (const r of rows)
      expect(r.message).toBe(`隐患“${rejected.body.title}”的整改未通过复核：照片不能证明已整改。请重新整改后再次提交。`);
    expect((await post(w.headCj, `/api/v1/findings/${id}/rectify`, { note: '重新整改' })).status).toBe(200);
    const closed = await post(w.bureauCj, `/api/v1/findings/${id}/verify`, { accepted: true, note: '复查合格' });
    expect(closed.body).toMatchObject({ status: 'closed', closedAt: expect.any(String) });
    expect(closed.body.history.map((h: { action: string }) => h.action)).toEqual(['rectified', 'rejected', 'rectified', 'verified']);
    const audit = await f.db.query(`SELECT action FROM audit_events WHERE entity = 'finding' AND entity_id = $1 ORDER BY id`, [id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['finding.rectify', 'finding.reject', 'finding.rectify', 'finding.verify']);
  });

  it('extends a deadline later only, with a reason, clearing overdue', async () => {
    const id = await findingIn(f, { institutionId: w.instCj.id, regionCode: '522633', deadline: '2026-06-10', overdue: true });
    expect((await post(w.bureauCj, `/api/v1/findings/${id}/extend`, { deadline: '2026-06-09', reason: '提前' })).status).toBe(400);
    expect((await post(w.bureauCj, `/api/v1/findings/${id}/extend`, { deadline: '2026-06-20' })).status).toBe(400);
    const far = addDays(todayIn('Asia/Shanghai'), 10);
    const ok = await post(w.bureauCj, `/api/v1/findings/${id}/extend`, { deadline: far, reason: '需采购防火门' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ deadline: far, overdue: false, overdueSince: null });
    expect(ok.body.history).toEqual([
      { at: expect.any(String), actorId: w.bureauCj.id, action: 'extended', data: { from: '2026-06-10', to: far, reason: '需采购防火门' } },
    ]);
  });

  it('records an ad-hoc finding in scope, with its default deadline, and tells the head', async () => {
    const today = todayIn('Asia/Shanghai');
    const res = await post(w.inspectorCj, '/api/v1/findings', {
      institutionId: w.instCj.id,
      title: '厨房燃气报警器失效',
      severity: 'major',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      inspectionId: null,
      itemCode: null,
      severity: 'major',
      supervised: true,
      status: 'open',
      foundOn: today,
      deadline: addDays(today, 30),
    });
    const { rows } = await f.db.query(`SELECT recipient_id FROM notifications WHERE finding_id = $1 AND kind = 'finding_created'`, [
      res.body.id,
    ]);
    expect(rows.map((r) => r.recipient_id).sort()).toEqual([w.headCj.id, rectifier.id].sort());
    expect((await post(w.inspectorCj, '/api/v1/findings', { institutionId: w.instXc.id, title: 'x', severity: 'general' })).status).toBe(
      400,
    );
    expect(
      (
        await post(w.inspectorCj, '/api/v1/findings', {
          institutionId: w.instCj.id,
          title: 'x',
          severity: 'general',
          deadline: '2020-01-01',
        })
      ).status,
    ).toBe(400);
    expect((await post(w.headCj, '/api/v1/findings', { institutionId: w.instCj.id, title: 'x', severity: 'general' })).status).toBe(403);
  });

  it('lets only one of two concurrent rectifies or verifies through', async () => {
    const id = await findingIn(f, { institutionId: w.instCj.id, regionCode: '522633' });
    const rectifies = await Promise.all([
      post(w.headCj, `/api/v1/findings/${id}/rectify`, { note: '甲' }),
      post(rectifier, `/api/v1/findings/${id}/rectify`, { note: '乙' }),
    ]);
    expect(rectifies.map((r) => r.status).sort()).toEqual([200, 409]);
    const verifies = await Promise.all([
      post(w.inspectorCj, `/api/v1/findings/${id}/verify`, { accepted: true }),
      post(w.bureauCj, `/api/v1/findings/${id}/verify`, { accepted: false, note: '不合格' }),
    ]);
    expect(verifies.map((r) => r.status).sort()).toEqual([200, 409]);
    const events = await f.db.query(`SELECT action FROM finding_events WHERE finding_id = $1`, [id]);
    expect(events.rows).toHaveLength(2);
    const notices = await f.db.query(
      `SELECT kind, recipient_id, count(*)::int AS n FROM notifications WHERE finding_id = $1 GROUP BY 1, 2`,
      [id],
    );
    expect(notices.rows.every((r) => r.n === 1)).toBe(true);
  });

  it('keeps rectify and verify racing each other consistent with the history', async () => {
    for (let i = 0; i < 5; i++) {
      const id = await findingIn(f, { institutionId: w.instCj.id, regionCode: '522633' });
      const [rectify, verify] = await Promise.all([
        post(w.headCj, `/api/v1/findings/${id}/rectify`, { note: '已整改' }),
        post(w.inspectorCj, `/api/v1/findings/${id}/verify`, { accepted: true }),
      ]);
      expect(rectify.status).toBe(200);
      expect([200, 409]).toContain(verify.status);
      const events = (
        await f.db.query<{ action: string }>('SELECT action FROM finding_events WHERE finding_id = $1 ORDER BY id', [id])
      ).rows.map((r) => r.action);
      expect(events).toEqual(verify.status === 200 ? ['rectified', 'verified'] : ['rectified']);
      expect(await statusOf(id)).toBe(verify.status === 200 ? 'closed' : 'pending_verification');
    }
  });

  it('refuses an illegal transition in the database itself', async () => {
    const id = await findingIn(f, { institutionId: w.instCj.id, regionCode: '522633', status: 'closed' });
    await expect(f.db.query(`UPDATE findings SET status = 'open', closed_at = NULL WHERE id = $1`, [id])).rejects.toThrow(
      /cannot go from closed to open/,
    );
    const open = await findingIn(f, { institutionId: w.instCj.id, regionCode: '522633' });
    await expect(f.db.query(`UPDATE findings SET status = 'closed', closed_at = now() WHERE id = $1`, [open])).rejects.toThrow(
      /cannot go from open to closed/,
    );
  });

  describe('notifications', () => {
    it('lists only the actor’s own, filters unread, and marks read', async () => {
      const mine = await request(t.http).get('/api/v1/notifications?unread=true&pageSize=500').set(auth(w.headCj));
      expect(mine.status).toBe(200);
      expect(mine.body.total).toBeGreaterThan(0);
      const first = mine.body.items[0];
      expect(first).toEqual({
        id: expect.any(String),
        kind: expect.any(String),
        findingId: expect.any(String),
        findingIds: [first.findingId],
        message: expect.any(String),
        createdAt: expect.any(String),
        readAt: null,
      });
      expect((await request(t.http).post(`/api/v1/notifications/${first.id}/read`).set(auth(w.headXc))).status).toBe(404);
      const read = await request(t.http).post(`/api/v1/notifications/${first.id}/read`).set(auth(w.headCj));
      expect(read.status).toBe(200);
      expect(read.body.readAt).toEqual(expect.any(String));
      const after = await request(t.http).get('/api/v1/notifications?unread=true&pageSize=500').set(auth(w.headCj));
      expect(after.body.total).toBe(mine.body.total - 1);
      expect((await request(t.http).get('/api/v1/notifications').set(auth(w.headXc))).body.total).toBe(0);
    });
  });
});
