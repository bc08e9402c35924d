import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { Factories, twoRegionWorld, type TwoRegionWorld } from './factories/world.js';
import { PDF_MINI, PNG_1PX } from './helpers/files.js';
import { tempDataDir } from './helpers/processes.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

describe('attachments', () => {
  let t: TestApp;
  let f: Factories;
  let w: TwoRegionWorld;
  let storage: string;
  const upload = (token: string, bytes: Buffer, name: string) =>
    request(t.http).post('/api/v1/attachments').set('Authorization', `Bearer ${token}`).attach('file', bytes, name);
  const rowsOf = async (sha256: string) =>
    (
      await f.db.query<{ uploaded_by: string }>('SELECT uploaded_by FROM attachments WHERE sha256 = $1 ORDER BY created_at', [sha256])
    ).rows.map((r) => r.uploaded_by);
  const uploadEvents = async () =>
    (await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'attachment.upload'`)).rows[0].n;

  beforeAll(async () => {
    storage = await tempDataDir('paicha-storage');
    t = await createTestApp({ env: { STORAGE_DIR: storage } });
    f = await Factories.for(t);
    w = await twoRegionWorld(f);
  });

  afterAll(async () => {
    await f.close();
    await t.close();
    await rm(storage, { recursive: true, force: true });
  });

  it('accepts a real JPEG, PNG, WebP and PDF, judged by their bytes', async () => {
    const jpeg = await readFile('test/fixtures/photo.jpg');
    const webp = await readFile('test/fixtures/photo.webp');
    const cases: [Buffer, string, string][] = [
      [jpeg, 'IMG_0001.JPG', 'image/jpeg'],
      [PNG_1PX, 'exit.png', 'image/png'],
      [webp, 'p.webp', 'image/webp'],
      [PDF_MINI, '整改报告.pdf', 'application/pdf'],
      [jpeg, 'photo-without-extension', 'image/jpeg'],
    ];
    for (const [bytes, name, type] of cases) {
      const res = await upload(w.headCj.token, bytes, name);
      // the JPEG a second time: the head's first upload of it, with 200 (see attachments-dedup)
      expect(res.status).toBe(name === 'photo-without-extension' ? 200 : 201);
      expect(res.body).toMatchObject({ contentType: type, size: bytes.length, filename: expect.any(String) });
      expect(res.body.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('refuses an ELF binary named .png with 415 and keeps nothing', async () => {
    const before = await filesUnder(storage);
    const elf = (await readFile(process.execPath)).subarray(0, 64 * 1024);
    const res = await upload(w.headCj.token, elf, 'photo.png');
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(await filesUnder(storage)).toEqual(before);
    const text = await upload(w.headCj.token, Buffer.from('just text'), 'note.jpg');
    expect(text.status).toBe(415);
  });

  it('answers 413 to 11 MiB while streaming and leaves nothing on disk', async () => {
    const before = await filesUnder(storage);
    const rows = await f.count('attachments');
    const big = Buffer.alloc(11 * 1024 * 1024, 0);
    PNG_1PX.copy(big);
    const res = await upload(w.headCj.token, big, 'big.png');
    expect(res.status).toBe(413);
    expect(await filesUnder(storage)).toEqual(before);
    expect(await f.count('attachments')).toBe(rows);
  });

  it('stores the same photo of two users once, and serves it with its sniffed type to those who may see it', async () => {
    const jpeg = await readFile('test/fixtures/photo.jpg');
    const a = await upload(w.inspectorCj.token, jpeg, 'a.jpg');
    const b = await upload(w.headCj.token, jpeg, 'b.jpg');
    expect(a.body.sha256).toBe(b.body.sha256);
    expect(a.body.id).not.toBe(b.body.id);
    const stored = (await filesUnder(storage)).filter((p) => p.endsWith(a.body.sha256));
    expect(stored).toHaveLength(1);

    const own = await request(t.http).get(`/api/v1/attachments/${a.body.id}`).set('Authorization', `Bearer ${w.inspectorCj.token}`);
    expect(own.status).toBe(200);
    expect(own.headers['content-type']).toBe('image/jpeg');
    expect(own.headers['x-content-type-options']).toBe('nosniff');
    expect(own.headers['content-disposition']).toMatch(/^inline; filename="file\.jpg"; filename\*=UTF-8''a\.jpg$/);
    expect(Buffer.compare(own.body as Buffer, jpeg)).toBe(0);
    // not used anywhere yet: only its uploader sees it
    for (const other of [w.headCj, w.inspectorXc, w.bureauGz]) {
      expect((await request(t.http).get(`/api/v1/attachments/${a.body.id}`).set('Authorization', `Bearer ${other.token}`)).status).toBe(
        404,
      );
    }
    const pdf = await upload(w.headCj.token, PDF_MINI, '整改报告.pdf');
    const download = await request(t.http).get(`/api/v1/attachments/${pdf.body.id}`).set('Authorization', `Bearer ${w.headCj.token}`);
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="file.pdf"; filename*=UTF-8''${encodeURIComponent('整改报告.pdf')}`,
    );
  });

  it('answers 404 to another region’s user and 400 to a malformed id', async () => {
    const png = await upload(w.inspectorCj.token, PNG_1PX, 'x.png');
    expect(
      (await request(t.http).get(`/api/v1/attachments/${png.body.id}`).set('Authorization', `Bearer ${w.inspectorXc.token}`)).status,
    ).toBe(404);
    expect(
      (await request(t.http).get('/api/v1/attachments/..%2F..%2Fetc%2Fpasswd').set('Authorization', `Bearer ${w.inspectorCj.token}`))
        .status,
    ).toBe(400);
  });

  // the same bytes from the same user are one attachment (an offline phone's retry makes no second row)
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
    expect((await request(t.http).get(`/api/v1/attachments/${mine.body.id}`).set('Authorization', `Bearer ${w.headCj.token}`)).status).toBe(
      404,
    );
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

describe('attachments when STORAGE_DIR cannot be written', () => {
  it('answers uploads with 503 problem+json and keeps everything else working', async () => {
    const dir = await tempDataDir('paicha-broken');
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, 'a file where the storage folder should be');
    const t = await createTestApp({ env: { STORAGE_DIR: join(blocker, 'storage') } });
    const f = await Factories.for(t);
    try {
      const w = await twoRegionWorld(f);
      const rows = await f.count('attachments');
      const res = await request(t.http)
        .post('/api/v1/attachments')
        .set('Authorization', `Bearer ${w.headCj.token}`)
        .attach('file', PNG_1PX, 'a.png');
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.body.type).toBe('urn:paicha:problem:attachment_storage_unavailable');
      expect(await f.count('attachments')).toBe(rows);
      expect((await request(t.http).get('/health')).status).toBe(200);
      expect((await request(t.http).get('/api/v1/institutions').set('Authorization', `Bearer ${w.headCj.token}`)).status).toBe(200);
    } finally {
      await f.close();
      await t.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
