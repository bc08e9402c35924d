import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { canonicalJson } from '../src/audit/canonical-json.js';
import { Factories, twoRegionWorld, type TwoRegionWorld } from './factories/world.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

describe('audit trail', () => {
  let t: TestApp;
  let f: Factories;
  let w: TwoRegionWorld;
  const verify = () => request(t.http).get('/api/v1/audit/verify').set('Authorization', `Bearer ${w.admin.token}`);

  beforeAll(async () => {
    t = await createTestApp();
    f = await Factories.for(t);
    w = await twoRegionWorld(f);
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  it('keeps one unbroken chain under 50 concurrent writes', async () => {
    const before = (await f.auditHead()).events;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        request(t.http)
          .post('/api/v1/institutions')
          .set('Authorization', `Bearer ${i % 2 ? w.admin.token : w.bureauQdn.token}`)
          .send({ name: `并发机构${i}`, type: 'elderly_care', regionCode: i % 2 ? '513336' : '522633' }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    const { rows } = await f.db.query<{ id: string }>('SELECT id FROM audit_events');
    expect(rows).toHaveLength(before + 50);
    const res = await verify();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, events: before + 50, firstBadSeq: null });
    // chained: numbered 1..n without a gap
    const seqs = await f.db.query<{ seq: string }>('SELECT seq FROM audit_events ORDER BY seq');
    expect(seqs.rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: before + 50 }, (_, i) => i + 1));
  });

  it('lists events by entity and id in chain order, with their hashes', async () => {
    const created = await request(t.http)
      .post('/api/v1/institutions')
      .set('Authorization', `Bearer ${w.bureauCj.token}`)
      .send({ name: '留痕测试院', type: 'funeral', regionCode: '522633' });
    await request(t.http)
      .patch(`/api/v1/institutions/${created.body.id}`)
      .set('Authorization', `Bearer ${w.bureauCj.token}`)
      .send({ beds: 9 });
    const res = await request(t.http)
      .get(`/api/v1/audit?entity=institution&entityId=${created.body.id}`)
      .set('Authorization', `Bearer ${w.bureauQdn.token}`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.items.map((e: { action: string }) => e.action)).toEqual(['institution.create', 'institution.update']);
    const [first, second] = res.body.items;
    expect(first).toMatchObject({
      actorId: w.bureauCj.id,
      entity: 'institution',
      entityId: created.body.id,
      regionCode: '522633',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(second.seq).toBeGreaterThan(first.seq);
    expect(second.data).toEqual({ changes: { beds: 9 } });
    const out = await request(t.http)
      .get(`/api/v1/audit?entity=institution&entityId=${created.body.id}`)
      .set('Authorization', `Bearer ${w.bureauGz.token}`);
    expect(out.body).toEqual({ items: [], total: 0, page: 1, pageSize: 50 });
    expect((await request(t.http).get('/api/v1/audit?entity=widget').set('Authorization', `Bearer ${w.admin.token}`)).status).toBe(400);
  });

  it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
    await expect(f.db.query(`UPDATE audit_events SET action = 'x' WHERE seq = (SELECT min(seq) FROM audit_events)`)).rejects.toThrow(
      /append-only: UPDATE refused/,
    );
    await expect(f.db.query('DELETE FROM audit_events')).rejects.toThrow(/append-only: DELETE refused/);
    await expect(f.db.query('TRUNCATE audit_events')).rejects.toThrow(/append-only: TRUNCATE refused/);
    expect((await verify()).body.ok).toBe(true);
  });

  it('lets a row be chained once and never changed after', async () => {
    await verify();
    await expect(f.db.query(`UPDATE audit_events SET hash = repeat('0', 64) WHERE seq = 1`)).rejects.toThrow(/append-only: UPDATE refused/);
    const unchained = await f.db.query<{ id: string }>(
      `INSERT INTO audit_events (at, action, entity, data) VALUES (now(), 'probe', 'job', '{}') RETURNING id`,
    );
    await expect(f.db.query(`UPDATE audit_events SET action = 'changed' WHERE id = $1`, [unchained.rows[0].id])).rejects.toThrow(
      /append-only/,
    );
    expect((await verify()).body.ok).toBe(true);
  });

  it('reports the seq of a row altered behind the trigger’s back', async () => {
    await verify();
    const { rows } = await f.db.query<{ seq: string }>(`SELECT seq::text FROM audit_events ORDER BY seq OFFSET 10 LIMIT 1`);
    const target = Number(rows[0].seq);
    const total = (await f.auditHead()).events;
    const client = await f.db.connect();
    try {
      await client.query('BEGIN');
      await client.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete');
      await client.query(`UPDATE audit_events SET data = data || '{"tampered": true}'::jsonb WHERE seq = $1`, [target]);
      await client.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete');
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const res = await verify();
    expect(res.body).toEqual({ ok: false, events: total, firstBadSeq: target });
    // the security admins (none here: the admins) are told at once
    const told = await f.db.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'security' AND message LIKE $1`, [
      `%第 ${target} 条%`,
    ]);
    expect(told.rows[0].n).toBeGreaterThanOrEqual(1);
  });

  it('keys the chain: a writer of the database without AUDIT_KEY cannot rebuild a consistent one', async () => {
    await verify();
    const { rows: algs } = await f.db.query<{ hash_alg: string; n: number }>(
      'SELECT hash_alg, count(*)::int AS n FROM audit_events GROUP BY 1',
    );
    expect(algs).toEqual([{ hash_alg: 'hmac-sha256', n: (await f.auditHead()).events }]);
    // the forger alters an event and recomputes every later hash the way an unkeyed chain would
    const { rows } = await f.db.query<{ seq: string }>('SELECT seq::text FROM audit_events ORDER BY seq OFFSET 5 LIMIT 1');
    const target = Number(rows[0].seq);
    const client = await f.db.connect();
    try {
      await client.query('BEGIN');
      await client.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete');
      await client.query(`UPDATE audit_events SET data = data || '{"forged": true}'::jsonb WHERE seq = $1`, [target]);
      const events = await client.query(
        `SELECT seq::int, at, actor_id, action, entity, entity_id, region_code, data, hash FROM audit_events WHERE seq >= $1 - 1 ORDER BY seq`,
        [target],
      );
      let previous = events.rows[0].hash as string;
      for (const e of events.rows.slice(1)) {
        const content = {
          seq: e.seq,
          at: new Date(e.at).toISOString(),
          actorId: e.actor_id,
          action: e.action,
          entity: e.entity,
          entityId: e.entity_id,
          regionCode: e.region_code,
          data: e.data,
        };
        previous = createHash('sha256').update(previous).update(canonicalJson(content)).digest('hex');
        await client.query(`UPDATE audit_events SET hash = $2, hash_alg = 'sha256' WHERE seq = $1`, [e.seq, previous]);
      }
      await client.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete');
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const res = await verify();
    expect(res.body.ok).toBe(false);
    expect(res.body.firstBadSeq).toBeLessThanOrEqual(target);
  });
});

describe('audit trail keyed with SM3 (AUDIT_HASH=sm3, CRYPTO_SUITE=gm)', () => {
  let t: TestApp;
  let f: Factories;

  beforeAll(async () => {
    t = await createTestApp({ env: { CRYPTO_SUITE: 'gm', AUDIT_HASH: 'sm3' } });
    f = await Factories.for(t);
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  it('records hmac-sm3 for every new event and verifies the chain', async () => {
    const w = await twoRegionWorld(f);
    await request(t.http)
      .post('/api/v1/institutions')
      .set('Authorization', `Bearer ${w.admin.token}`)
      .send({ name: '国密机构', type: 'elderly_care', regionCode: '522633' })
      .expect(201);
    const res = await request(t.http).get('/api/v1/audit/verify').set('Authorization', `Bearer ${w.admin.token}`).expect(200);
    expect(res.body).toMatchObject({ ok: true, firstBadSeq: null });
    const { rows } = await f.db.query<{ hash_alg: string }>('SELECT DISTINCT hash_alg FROM audit_events');
    expect(rows).toEqual([{ hash_alg: 'hmac-sm3' }]);
    const list = await request(t.http).get('/api/v1/audit?entity=institution').set('Authorization', `Bearer ${w.admin.token}`).expect(200);
    expect(list.body.items[0].hashAlgorithm).toBe('hmac-sm3');
  });
});
