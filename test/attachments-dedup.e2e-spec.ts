import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rm } from 'node:fs/promises';
import request from 'supertest';
import { Factories, twoRegionWorld, type TwoRegionWorld } from './factories/world.js';
import { PNG_1PX } from './helpers/files.js';
import { tempDataDir } from './helpers/processes.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

describe('attachments: the same bytes from the same user are one attachment', () => {
  let t: TestApp;
  let f: Factories;
  let w: TwoRegionWorld;
  let storage: string;
  const upload = (token: string, bytes: Buffer, name: string) =>
    request(t.http).post('/api/v1/attachments').set('Authorization', `Bearer ${token}`).attach('file', bytes, name);
  const rowsOf = async (sha256: string) =>
    (await f.db.query<{ uploaded_by: string }>('SELECT uploaded_by FROM attachments WHERE sha256 = $1 ORDER BY created_at', [sha256])).rows.map((r) => r.uploaded_by);
  const uploadEvents = async () => (await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'attachment.upload'`)).rows[0].n;

  beforeAll(async () => {
    storage = await tempDataDir('paicha-dedup-storage');
    t = await createTestApp({ env: { STORAGE_DIR: storage } });
    f = await Factories.for(t);
    w = await twoRegionWorld(f);
  });

  afterAll(async () => {
    await f.close();
    await t.close();
    await rm(storage, { recursive: true, force: true });
  });

  it('answers a second upload of the same bytes with 200 and the first attachment, without an audit event', async () => {
    const bytes = Buffer.concat([PNG_1PX, Buffer.from('dedup-1')]);
    const first = await upload(w.inspectorCj.token, bytes, '现场1.png');
    expect(first.status).toBe(201);
    const events = await uploadEvents();
    const again = await upload(w.inspectorCj.token, bytes, '换了名字.png');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.body.filename).toBe('现场1.png');
    expect(await rowsOf(first.body.sha256)).toEqual([w.inspectorCj.id]);
    expect(await uploadEvents()).toBe(events);
  });

  it('keeps another user’s upload of the same bytes separate', async () => {
    const bytes = Buffer.concat([PNG_1PX, Buffer.from('dedup-2')]);
    const mine = await upload(w.inspectorCj.token, bytes, 'a.png');
    const theirs = await upload(w.headCj.token, bytes, 'a.png');
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect((await rowsOf(mine.body.sha256)).sort()).toEqual([w.inspectorCj.id, w.headCj.id].sort());
    // the head cannot read the inspector's through its own id
    expect((await request(t.http).get(`/api/v1/attachments/${mine.body.id}`).set('Authorization', `Bearer ${w.headCj.token}`)).status).toBe(404);
  });

  it('makes one row of eight identical uploads at once', async () => {
    const bytes = Buffer.concat([PNG_1PX, Buffer.from('dedup-3')]);
    const events = await uploadEvents();
    const all = await Promise.all(Array.from({ length: 8 }, () => upload(w.headXc.token, bytes, 'burst.png')));
    const statuses = all.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(all.map((r) => r.body.id)).size).toBe(1);
    expect(await rowsOf(all[0].body.sha256)).toEqual([w.headXc.id]);
    expect(await uploadEvents()).toBe(events + 1);
  });
});
