import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import request from 'supertest';
import { Factories, twoRegionWorld, type TwoRegionWorld } from './factories/world.js';
import { PNG_1PX } from './helpers/files.js';
import { freeLowPort } from './helpers/processes.js';
import { startS3, type TestS3 } from './helpers/s3.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

/**
 * Attachments in an S3-compatible bucket (s3rver on loopback), shared by two
 * instances of the service on one database: what one stores the other serves.
 */
describe('attachments in an S3 bucket shared by two instances', () => {
  let s3: TestS3;
  let a: TestApp;
  let b: TestApp;
  let f: Factories;
  let w: TwoRegionWorld;
  const bucket = 'paicha-files';
  const upload = (t: TestApp, token: string, bytes: Buffer, name: string) =>
    request(t.http).post('/api/v1/attachments').set('Authorization', `Bearer ${token}`).attach('file', bytes, name);
  const download = (t: TestApp, token: string, id: string) =>
    request(t.http)
      .get(`/api/v1/attachments/${id}`)
      .set('Authorization', `Bearer ${token}`)
      .buffer(true)
      .parse((res, done) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => done(null, Buffer.concat(parts)));
      });

  beforeAll(async () => {
    s3 = await startS3();
    await s3.createBucket(bucket);
    const env = { ...s3.env(bucket, 'paicha/attachments'), UPLOAD_MAX_BYTES: String(16 * 1024 * 1024) };
    a = await createTestApp({ env });
    b = await createTestApp({ env, databaseUrl: a.databaseUrl });
    f = await Factories.for(a);
    w = await twoRegionWorld(f);
  }, 60_000);

  afterAll(async () => {
    await f.close();
    await a.close();
    await b.close();
    await s3.stop();
    s3.client.destroy();
    await rm(s3.dir, { recursive: true, force: true });
  });

  it('uploads a 12 MiB photo through A in parts and serves it byte-exact through B', async () => {
    // a real PNG header, then 12 MiB: more than two 5 MiB parts of a multipart upload
    const bytes = Buffer.concat([PNG_1PX, randomBytes(12 * 1024 * 1024)]);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    s3.requests.length = 0;
    const res = await upload(a, w.headCj.token, bytes, '消防通道.png');
    expect(res.status).toBe(201);
    // streamed in three parts (5 + 5 + 2 MiB) to a temporary key, then copied to its content address
    const parts = s3.requests.filter((r) => /^PUT \/paicha-files\/paicha\/attachments\/tmp\/.*partNumber=/.test(r));
    expect(parts).toHaveLength(3);
    expect(s3.requests.filter((r) => /^POST .*\?uploads/.test(r))).toHaveLength(1);
    expect(res.body).toMatchObject({ sha256, size: bytes.length, contentType: 'image/png' });

    const keys = await s3.keys(bucket);
    expect(keys).toEqual([`paicha/attachments/${sha256.slice(0, 2)}/${sha256}`]);
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: bucket, Key: keys[0] }));
    expect(head.ContentLength).toBe(bytes.length);

    const got = await download(b, w.headCj.token, res.body.id);
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(got.body as Buffer, bytes)).toBe(0);
    // scope stays in the service: another head does not see it through either instance
    expect((await download(b, w.headXc.token, res.body.id)).status).toBe(404);
  });

  it('keeps the same bytes once, and leaves nothing behind for a refused or too-large upload', async () => {
    const bytes = Buffer.concat([PNG_1PX, randomBytes(1000)]);
    const first = await upload(a, w.headCj.token, bytes, 'a.png');
    const second = await upload(b, w.headXc.token, bytes, 'b.png');
    expect([first.status, second.status]).toEqual([201, 201]);
    const before = await s3.keys(bucket);
    expect(before.filter((k) => k.endsWith(first.body.sha256))).toHaveLength(1);

    expect((await upload(b, w.headCj.token, Buffer.from('plain text, not a photo'), 'x.jpg')).status).toBe(415);
    const big = Buffer.concat([PNG_1PX, Buffer.alloc(17 * 1024 * 1024)]);
    expect((await upload(a, w.headCj.token, big, 'big.png')).status).toBe(413);
    expect(await s3.keys(bucket)).toEqual(before);
  });

  it('says on /health when the bucket cannot be reached: uploads answer 503, and serve again once it is back', async () => {
    const bytes = Buffer.concat([PNG_1PX, randomBytes(2048)]);
    const stored = await upload(a, w.headCj.token, bytes, 'kept.png');
    expect(stored.status).toBe(201);
    expect((await request(b.http).get('/health')).body).toEqual({ status: 'ok', db: 'up', storage: 'up' });

    // an instance configured with a bucket that is not there
    const missing = await createTestApp({ env: s3.env('no-such-bucket'), databaseUrl: a.databaseUrl });
    try {
      const health = await request(missing.http).get('/health');
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ status: 'ok', db: 'up', storage: 'down' });
      const refused = await upload(missing, w.headCj.token, Buffer.concat([PNG_1PX, randomBytes(64)]), 'x.png');
      expect(refused.status).toBe(503);
      expect(refused.body.type).toContain('attachment_storage_unavailable');
    } finally {
      await missing.close();
    }

    // the store stops answering: 503s, never 500s, and the database is untouched
    await s3.stop();
    const rows = await f.count('attachments');
    expect((await request(a.http).get('/health')).body).toEqual({ status: 'ok', db: 'up', storage: 'down' });
    expect((await upload(a, w.headCj.token, Buffer.concat([PNG_1PX, randomBytes(64)]), 'y.png')).status).toBe(503);
    expect((await download(b, w.headCj.token, stored.body.id)).status).toBe(503);
    expect(await f.count('attachments')).toBe(rows);

    await s3.start();
    const back = await download(b, w.headCj.token, stored.body.id);
    expect(back.status).toBe(200);
    expect(Buffer.compare(back.body as Buffer, bytes)).toBe(0);
    expect((await request(a.http).get('/health')).body.storage).toBe('up');
  }, 60_000);

  it('refuses a STORAGE_URL pointing nowhere at once, not after a long wait', async () => {
    const port = await freeLowPort();
    const nowhere = await createTestApp({
      env: { ...s3.env(bucket), STORAGE_URL: `s3://${bucket}?endpoint=http://127.0.0.1:${port}` },
      databaseUrl: a.databaseUrl,
    });
    try {
      const started = Date.now();
      const res = await upload(nowhere, w.headCj.token, Buffer.concat([PNG_1PX, randomBytes(64)]), 'z.png');
      expect(res.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await nowhere.close();
    }
  }, 30_000);
});
