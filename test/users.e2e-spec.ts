import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { Factories, twoRegionWorld, type TwoRegionWorld } from './factories/world.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

describe('users: who may create whom', () => {
  let t: TestApp;
  let f: Factories;
  let w: TwoRegionWorld;
  const create = (token: string, body: object) => request(t.http).post('/api/v1/users').set('Authorization', `Bearer ${token}`).send(body);
  const base = () => ({ username: f.unique('u'), password: 'Long-enough-pw1', displayName: '用户' });

  beforeAll(async () => {
    t = await createTestApp();
    f = await Factories.for(t);
    w = await twoRegionWorld(f);
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  it('lets an admin create anyone, and never returns the password', async () => {
    const res = await create(w.admin.token, { ...base(), role: 'admin' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      username: expect.any(String),
      displayName: '用户',
      role: 'admin',
      regionCode: null,
      institutionId: null,
      active: true,
    });
    expect(JSON.stringify(res.body)).not.toContain('Long-enough-pw1');
    const { rows } = await f.db.query('SELECT password_hash FROM users WHERE id = $1', [res.body.id]);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
    expect((await create(w.admin.token, { ...base(), role: 'bureau', regionCode: '513300' })).status).toBe(201);
  });

  it('lets a bureau create a bureau strictly below it, inspectors and heads in its subtree', async () => {
    expect((await create(w.bureauQdn.token, { ...base(), role: 'bureau', regionCode: '522633' })).status).toBe(201);
    expect((await create(w.bureauQdn.token, { ...base(), role: 'bureau', regionCode: '522600' })).status).toBe(403);
    expect((await create(w.bureauQdn.token, { ...base(), role: 'bureau', regionCode: '520000' })).status).toBe(403);
    expect((await create(w.bureauQdn.token, { ...base(), role: 'inspector', regionCode: '522600' })).status).toBe(201);
    expect((await create(w.bureauQdn.token, { ...base(), role: 'inspector', regionCode: '513336' })).status).toBe(403);
    expect((await create(w.bureauQdn.token, { ...base(), role: 'institution_head', institutionId: w.instLp.id })).status).toBe(201);
    expect((await create(w.bureauQdn.token, { ...base(), role: 'institution_head', institutionId: w.instXc.id })).status).toBe(400);
    expect((await create(w.bureauQdn.token, { ...base(), role: 'admin' })).status).toBe(403);
  });

  it('checks the fields each role needs', async () => {
    expect((await create(w.admin.token, { ...base(), role: 'inspector' })).status).toBe(400);
    expect((await create(w.admin.token, { ...base(), role: 'institution_head' })).status).toBe(400);
    expect(
      (await create(w.admin.token, { ...base(), role: 'institution_head', institutionId: w.instCj.id, regionCode: '522633' })).status,
    ).toBe(400);
    expect((await create(w.admin.token, { ...base(), role: 'admin', regionCode: '522633' })).status).toBe(400);
    expect((await create(w.admin.token, { ...base(), role: 'inspector', regionCode: '999999' })).status).toBe(400);
    const short = await create(w.admin.token, { ...base(), role: 'inspector', regionCode: '522633', password: '123456789' });
    expect(short.status).toBe(400);
    expect(short.body.errors).toContainEqual({
      field: 'password',
      message: '密码至少 8 位，且包含小写字母、大写字母、数字、符号中的至少三类',
    });
    expect((await create(w.admin.token, { ...base(), role: 'superuser', regionCode: '522633' })).status).toBe(400);
  });

  it('refuses a taken username in any letter case with 409', async () => {
    const username = f.unique('Dup');
    expect((await create(w.admin.token, { ...base(), username, role: 'inspector', regionCode: '522633' })).status).toBe(201);
    const again = await create(w.admin.token, { ...base(), username: username.toLowerCase(), role: 'inspector', regionCode: '522633' });
    expect(again.status).toBe(409);
  });

  it('does not let anyone deactivate themselves', async () => {
    const res = await request(t.http)
      .patch(`/api/v1/users/${w.admin.id}`)
      .set('Authorization', `Bearer ${w.admin.token}`)
      .send({ active: false });
    expect(res.status).toBe(409);
  });

  it('audits creations and updates in the region of the user', async () => {
    const res = await create(w.bureauCj.token, { ...base(), role: 'inspector', regionCode: '522633' });
    await request(t.http)
      .patch(`/api/v1/users/${res.body.id}`)
      .set('Authorization', `Bearer ${w.bureauCj.token}`)
      .send({ displayName: '改名' });
    const { rows } = await f.db.query(
      `SELECT action, actor_id, region_code FROM audit_events WHERE entity = 'user' AND entity_id = $1 ORDER BY id`,
      [res.body.id],
    );
    expect(rows).toEqual([
      { action: 'user.create', actor_id: w.bureauCj.id, region_code: '522633' },
      { action: 'user.update', actor_id: w.bureauCj.id, region_code: '522633' },
    ]);
  });
});
