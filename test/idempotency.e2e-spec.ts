import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, HttpCode, Post } from '@nestjs/common';
import { rm } from 'node:fs/promises';
import pg from 'pg';
import request from 'supertest';
import { Allow } from '../src/access/decorators.js';
import { Permission } from '../src/access/permissions.js';
import { cjMiniInspection } from './factories/field.js';
import { MINI_TEMPLATE } from './factories/templates.js';
import { Factories, findingIn, twoRegionWorld, type FixtureUser, type TwoRegionWorld } from './factories/world.js';
import { PNG_1PX } from './helpers/files.js';
import { tempDataDir } from './helpers/processes.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';
import { bearer } from './helpers/api.js';

/** Probes: a POST that counts its calls, and one that fails with a 500 the first time. */
const calls = { counted: 0, flaky: 0 };

@Controller('idempotency-probe')
class IdempotencyProbeController {
  @Post('counted')
  @Allow(Permission.ReadSelf)
  counted() {
    calls.counted += 1;
    return { call: calls.counted };
  }

  @Post('flaky')
  @HttpCode(200)
  @Allow(Permission.ReadSelf)
  flaky() {
    calls.flaky += 1;
    if (calls.flaky === 1) throw new Error('the first call fails');
    return { call: calls.flaky };
  }
}

const ALL_PASS_BUT_A02 = [
  { itemCode: 'A01', result: 'pass' },
  { itemCode: 'A02', result: 'fail', note: '标志破损' },
  { itemCode: 'B01', result: 'pass', value: 2 },
  { itemCode: 'B02', result: 'pass', value: '记录完整' },
];

/** A multipart body with one file, under a boundary of our choosing (a browser draws a new one for every FormData). */
function multipart(boundary: string, bytes: Buffer, filename: string): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: image/png\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

describe('Idempotency-Key', () => {
  let t: TestApp;
  let f: Factories;
  let w: TwoRegionWorld;
  let storage: string;
  const auth = bearer;

  const counts = async () => ({
    findings: await f.count('findings'),
    findingEvents: await f.count('finding_events'),
    attachments: await f.count('attachments'),
    audit: await f.count('audit_events'),
    notifications: await f.count('notifications'),
  });

  /** A supervisory round of its own on the mini checklist for 从江; the 从江 inspector's inspection in it, answered (A02 fails). */
  async function answeredInspection(name: string): Promise<string> {
    const { id, inspectionsCreated } = await cjMiniInspection(t, w, name);
    expect(inspectionsCreated).toBe(1);
    const put = await request(t.http).put(`/api/v1/inspections/${id}/answers`).set(auth(w.inspectorCj)).send({ answers: ALL_PASS_BUT_A02 });
    expect(put.status).toBe(200);
    return id;
  }

  const submit = (id: string, key: string, body: Record<string, unknown> = { signature: '张三' }, as: FixtureUser = w.inspectorCj) =>
    request(t.http).post(`/api/v1/inspections/${id}/submit`).set(auth(as)).set('Idempotency-Key', key).send(body);

  const keyRows = async (actorId: string) =>
    (
      await f.db.query<{ key: string; state: string; response_status: number | null }>(
        'SELECT key, state, response_status FROM idempotency_keys WHERE actor_id = $1 ORDER BY key',
        [actorId],
      )
    ).rows;

  beforeAll(async () => {
    storage = await tempDataDir('paicha-idem-storage');
    t = await createTestApp({ env: { STORAGE_DIR: storage }, controllers: [IdempotencyProbeController] });
    f = await Factories.for(t);
    w = await twoRegionWorld(f);
    expect((await request(t.http).post('/api/v1/templates').set(auth(w.admin)).send(MINI_TEMPLATE)).status).toBe(201);
  });

  afterAll(async () => {
    await f.close();
    await t.close();
    await rm(storage, { recursive: true, force: true });
  });

  it('replays a submit: the same status and body, Idempotent-Replayed, and nothing changes', async () => {
    const id = await answeredInspection('重放提交');
    const first = await submit(id, 'submit-1');
    expect(first.status).toBe(200);
    expect(first.body.findingsCreated).toBe(1);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const before = await counts();

    for (let i = 0; i < 2; i++) {
      const again = await submit(id, 'submit-1');
      expect(again.status).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.headers['content-type']).toBe(first.headers['content-type']);
      expect(again.text).toBe(first.text);
    }
    expect(await counts()).toEqual(before);
    // without the key the same submit is processed and refused: it was really submitted once
    const plain = await request(t.http).post(`/api/v1/inspections/${id}/submit`).set(auth(w.inspectorCj)).send({ signature: '张三' });
    expect(plain.status).toBe(409);
    expect(await keyRows(w.inspectorCj.id)).toEqual([{ key: 'submit-1', state: 'completed', response_status: 200 }]);
  });

  it('replays a rectify, and a refused request is kept and replayed as refused', async () => {
    const findingId = await findingIn(f, { institutionId: w.instCj.id, regionCode: '522633' });
    const rectify = (key: string, note: string) =>
      request(t.http)
        .post(`/api/v1/findings/${findingId}/rectify`)
        .set(auth(w.headCj))
        .set('Idempotency-Key', key)
        .send({ note, attachmentIds: [] });
    const first = await rectify('rectify-1', '已更换标志');
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('pending_verification');
    const before = await counts();
    const again = await rectify('rectify-1', '已更换标志');
    expect([again.status, again.headers['idempotent-replayed'], again.text]).toEqual([200, 'true', first.text]);
    expect(await counts()).toEqual(before);

    // a second rectify with a new key is processed: 409, and that answer is what its key replays
    const wrong = await rectify('rectify-2', '已更换标志');
    expect(wrong.status).toBe(409);
    const wrongAgain = await rectify('rectify-2', '已更换标志');
    expect([wrongAgain.status, wrongAgain.headers['idempotent-replayed'], wrongAgain.headers['content-type'], wrongAgain.text]).toEqual([
      409,
      'true',
      'application/problem+json; charset=utf-8',
      wrong.text,
    ]);
    expect(await counts()).toEqual(before);
  });

  it('replays an upload sent again under a new multipart boundary', async () => {
    const bytes = Buffer.concat([PNG_1PX, Buffer.from('idempotent-upload')]);
    const send = (boundary: string, key: string, payload = bytes) =>
      request(t.http)
        .post('/api/v1/attachments')
        .set(auth(w.headCj))
        .set('Idempotency-Key', key)
        .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
        .send(multipart(boundary, payload, '出口.png'));
    const before = await counts();
    const first = await send('----formdata-first-1111', 'upload-1');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ contentType: 'image/png', size: bytes.length });
    const afterFirst = await counts();
    expect(afterFirst).toEqual({ ...before, attachments: before.attachments + 1, audit: before.audit + 1 });

    const again = await send('----WebKitFormBoundaryQ2x7LmPz9', 'upload-1');
    expect([again.status, again.headers['idempotent-replayed'], again.text]).toEqual([201, 'true', first.text]);
    expect(await counts()).toEqual(afterFirst);

    // other bytes under the same key are another request
    const other = await send('----formdata-third', 'upload-1', Buffer.concat([PNG_1PX, Buffer.from('other')]));
    expect(other.status).toBe(422);
    expect(other.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(await counts()).toEqual(afterFirst);
  });

  it('refuses the same key with another body (422) and changes nothing', async () => {
    const id = await answeredInspection('换了请求体');
    const before = await counts();
    const used = await request(t.http)
      .post('/api/v1/idempotency-probe/counted')
      .set(auth(w.inspectorCj))
      .set('Idempotency-Key', 'reused-key')
      .send({ a: 1 });
    expect(used.status).toBe(201);
    const callsBefore = calls.counted;
    const cases = [
      request(t.http)
        .post('/api/v1/idempotency-probe/counted')
        .set(auth(w.inspectorCj))
        .set('Idempotency-Key', 'reused-key')
        .send({ a: 2 }),
      request(t.http).post(`/api/v1/inspections/${id}/submit`).set(auth(w.inspectorCj)).set('Idempotency-Key', 'reused-key').send({ a: 1 }),
      request(t.http)
        .post('/api/v1/idempotency-probe/counted')
        .set(auth(w.inspectorCj))
        .set('Idempotency-Key', 'reused-key')
        .set('If-Match', '"3"')
        .send({ a: 1 }),
    ];
    for (const res of await Promise.all(cases)) {
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ type: 'urn:paicha:problem:idempotency_key_reused', status: 422 });
    }
    // key order and whitespace do not make another request
    const same = await request(t.http)
      .post('/api/v1/idempotency-probe/counted')
      .set(auth(w.inspectorCj))
      .set('Idempotency-Key', 'reused-key')
      .set('Content-Type', 'application/json')
      .send('{ "a" : 1 }');
    expect([same.status, same.headers['idempotent-replayed'], same.body]).toEqual([201, 'true', { call: callsBefore }]);
    expect(calls.counted).toBe(callsBefore);
    expect(await counts()).toEqual({ ...before, audit: before.audit });
    expect((await request(t.http).get(`/api/v1/inspections/${id}`).set(auth(w.inspectorCj))).body.status).toBe('in_progress');
  });

  it('answers 409 to a repeat while the first is still being processed, then replays it', async () => {
    const id = await answeredInspection('处理中');
    const holder = new pg.Client({ connectionString: t.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM inspections WHERE id = $1 FOR UPDATE', [id]);
      const first = submit(id, 'in-flight-1').then((r) => r);
      // the first request holds its claim and waits for the row lock
      for (let i = 0; i < 200; i++) {
        const { rows } = await f.db.query(
          `SELECT 1 FROM idempotency_keys WHERE actor_id = $1 AND key = 'in-flight-1' AND state = 'processing'`,
          [w.inspectorCj.id],
        );
        if (rows.length === 1) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      const second = await submit(id, 'in-flight-1');
      expect(second.status).toBe(409);
      expect(second.headers['retry-after']).toBe('1');
      expect(second.body).toMatchObject({ type: 'urn:paicha:problem:idempotency_key_in_flight', status: 409 });
      const findingsBefore = await f.count('findings');
      await holder.query('COMMIT');
      const done = await first;
      expect([done.status, done.body.findingsCreated]).toEqual([200, 1]);
      expect(await f.count('findings')).toBe(findingsBefore + 1);
      const third = await submit(id, 'in-flight-1');
      expect([third.status, third.headers['idempotent-replayed'], third.text]).toEqual([200, 'true', done.text]);
      expect(await f.count('findings')).toBe(findingsBefore + 1);
    } finally {
      await holder.end();
    }
  });

  it('takes over a processing claim left stale by a crash', async () => {
    calls.counted = 0;
    await f.db.query(
      `INSERT INTO idempotency_keys (actor_id, key, fingerprint, state, claim, locked_at, expires_at)
       VALUES ($1, 'stale-1', repeat('0', 64), 'processing', gen_random_uuid(), now() - interval '10 minutes', now() + interval '1 day')`,
      [w.headCj.id],
    );
    // another request under a stale key is still refused; the fingerprint of this one is learnt from a twin key
    const probe = () => request(t.http).post('/api/v1/idempotency-probe/counted').set(auth(w.headCj)).send({ stale: true });
    expect((await probe().set('Idempotency-Key', 'stale-1')).status).toBe(422);
    expect((await probe().set('Idempotency-Key', 'stale-twin')).status).toBe(201);
    await f.db.query(
      `UPDATE idempotency_keys SET fingerprint = (SELECT fingerprint FROM idempotency_keys WHERE actor_id = $1 AND key = 'stale-twin') WHERE actor_id = $1 AND key = 'stale-1'`,
      [w.headCj.id],
    );
    const fresh = await f.db.query(`UPDATE idempotency_keys SET locked_at = now() WHERE actor_id = $1 AND key = 'stale-1' RETURNING 1`, [
      w.headCj.id,
    ]);
    expect(fresh.rowCount).toBe(1);
    expect((await probe().set('Idempotency-Key', 'stale-1')).status).toBe(409); // a recent claim is in flight
    await f.db.query(`UPDATE idempotency_keys SET locked_at = now() - interval '6 minutes' WHERE actor_id = $1 AND key = 'stale-1'`, [
      w.headCj.id,
    ]);
    const taken = await probe().set('Idempotency-Key', 'stale-1');
    expect([taken.status, taken.body, taken.headers['idempotent-replayed']]).toEqual([201, { call: 2 }, undefined]);
    expect(calls.counted).toBe(2);
  });

  it('keeps keys per actor: another user with the same key is processed on its own', async () => {
    calls.counted = 0;
    const a = await request(t.http)
      .post('/api/v1/idempotency-probe/counted')
      .set(auth(w.bureauCj))
      .set('Idempotency-Key', 'shared-key')
      .send({ x: 1 });
    const b = await request(t.http)
      .post('/api/v1/idempotency-probe/counted')
      .set(auth(w.bureauQdn))
      .set('Idempotency-Key', 'shared-key')
      .send({ x: 1 });
    const c = await request(t.http)
      .post('/api/v1/idempotency-probe/counted')
      .set(auth(w.bureauGz))
      .set('Idempotency-Key', 'shared-key')
      .send({ x: 2 });
    expect([a.status, a.body, b.status, b.body, c.status, c.body]).toEqual([201, { call: 1 }, 201, { call: 2 }, 201, { call: 3 }]);
    expect([a.headers['idempotent-replayed'], b.headers['idempotent-replayed'], c.headers['idempotent-replayed']]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    const n = await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM idempotency_keys WHERE key = 'shared-key'`);
    expect(n.rows[0].n).toBe(3);
  });

  it('refuses an invalid header with 400 naming it, and login ignores the header', async () => {
    const bad = ['', 'x'.repeat(129), 'clé', 'tab\there'];
    for (const key of bad) {
      const res = await request(t.http).post('/api/v1/idempotency-probe/counted').set(auth(w.admin)).set('Idempotency-Key', key).send({});
      expect([key, res.status, res.headers['content-type'], res.body.errors]).toEqual([
        key,
        400,
        'application/problem+json; charset=utf-8',
        [{ field: 'Idempotency-Key', message: 'must be 1 to 128 printable ASCII characters' }],
      ]);
    }
    const ok = await request(t.http)
      .post('/api/v1/idempotency-probe/counted')
      .set(auth(w.admin))
      .set('Idempotency-Key', ` ${'~'.repeat(127)}`)
      .send({});
    expect(ok.status).toBe(201);
    expect(await keyRows(w.admin.id)).toHaveLength(1);

    const rows = await f.count('idempotency_keys');
    const login = () =>
      request(t.http)
        .post('/api/v1/auth/login')
        .set('Idempotency-Key', 'login-1')
        .send({ username: w.headXc.username, password: 'fixture-password-123' });
    const [one, two] = [await login(), await login()];
    expect([one.status, two.status, two.headers['idempotent-replayed']]).toEqual([200, 200, undefined]);
    expect(await f.count('idempotency_keys')).toBe(rows);
  });

  it('releases the key when the first attempt fails with a 5xx, so the retry is processed', async () => {
    calls.flaky = 0;
    const send = () =>
      request(t.http).post('/api/v1/idempotency-probe/flaky').set(auth(w.headXc)).set('Idempotency-Key', 'flaky-1').send({ n: 1 });
    expect((await send()).status).toBe(500);
    expect(await keyRows(w.headXc.id)).toEqual([]);
    const retry = await send();
    expect([retry.status, retry.body, retry.headers['idempotent-replayed']]).toEqual([200, { call: 2 }, undefined]);
    const replay = await send();
    expect([replay.status, replay.body, replay.headers['idempotent-replayed']]).toEqual([200, { call: 2 }, 'true']);
    expect(calls.flaky).toBe(2);
  });

  it('forgets expired keys: the daily job deletes them and counts them, and an expired key is fresh again', async () => {
    calls.counted = 0;
    const send = (body: Record<string, unknown>) =>
      request(t.http).post('/api/v1/idempotency-probe/counted').set(auth(w.inspectorXc)).set('Idempotency-Key', 'old-key').send(body);
    expect((await send({ v: 1 })).body).toEqual({ call: 1 });
    await f.db.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE actor_id = $1`, [w.inspectorXc.id]);
    // past its retention the key is no longer kept: another request under it is processed
    const reused = await send({ v: 2 });
    expect([reused.status, reused.body, reused.headers['idempotent-replayed']]).toEqual([201, { call: 2 }, undefined]);

    const { rows: expected } = await f.db.query<{ n: number }>(
      `WITH aged AS (UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE actor_id <> $1 RETURNING 1) SELECT count(*)::int AS n FROM aged`,
      [w.admin.id],
    );
    expect(expected[0].n).toBeGreaterThanOrEqual(10);
    const total = await f.count('idempotency_keys');
    const run = await request(t.http).post('/api/v1/jobs/deadlines/run').set(auth(w.admin)).send({ asOf: '2026-06-20' });
    expect(run.status).toBe(200);
    expect(run.body.idempotencyKeysExpired).toBe(expected[0].n);
    expect(await f.count('idempotency_keys')).toBe(total - expected[0].n);
    const audit = await f.db.query<{ n: number }>(
      `SELECT (data->>'idempotencyKeysExpired')::int AS n FROM audit_events WHERE action = 'job.run' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit.rows[0].n).toBe(expected[0].n);
  });

  it('documents the header and its answers in OpenAPI, and CORS lets browsers use it', async () => {
    const doc = await request(t.http).get('/api/docs-json');
    const ops = Object.entries(
      doc.body.paths as Record<string, Record<string, { parameters?: { name: string }[]; responses: Record<string, unknown> }>>,
    ).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));
    const writes = ops.filter((o) => ['post', 'put', 'patch'].includes(o.method));
    const documented = writes.filter(
      (o) => o.op.parameters?.some((p) => p.name === 'Idempotency-Key') && o.op.responses['422'] && o.op.responses['409'],
    );
    expect(writes.length).toBeGreaterThan(20);
    // the routes without an actor ignore the header (a kept answer would keep tokens)
    expect(writes.filter((o) => !documented.includes(o)).map((o) => `${o.method} ${o.path}`)).toEqual([
      'post /api/v1/auth/login',
      'post /api/v1/auth/refresh',
    ]);
    expect(ops.filter((o) => o.method === 'get' && o.op.parameters?.some((p) => p.name === 'Idempotency-Key'))).toHaveLength(0);

    const cors = await createTestApp({ env: { CORS_ORIGINS: 'https://app.paicha.example' } });
    try {
      const preflight = await request(cors.http)
        .options('/api/v1/attachments')
        .set('Origin', 'https://app.paicha.example')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,idempotency-key');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-headers'].split(',')).toContain('Idempotency-Key');
      const res = await request(cors.http).get('/health').set('Origin', 'https://app.paicha.example');
      expect(res.headers['access-control-expose-headers'].split(',')).toContain('Idempotent-Replayed');
    } finally {
      await cors.close();
    }
  });
});
