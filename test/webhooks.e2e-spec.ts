import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import request from 'supertest';
import { webhookSignature } from '../src/notifications/webhook-dispatcher.js';
import { Factories, twoRegionWorld, type TwoRegionWorld } from './factories/world.js';
import { freeLowPort } from './helpers/processes.js';
import { createTestDatabase } from './helpers/test-database.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

interface Received {
  body: string;
  signature: string | undefined;
  status: number;
}

const SECRET = 'webhook-secret-for-tests';

/** A local receiver that answers with the statuses it is given, then 200. */
async function receiver(statuses: number[]): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const port = await freeLowPort();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const status = statuses.shift() ?? 200;
      received.push({ body, signature: req.headers['x-paicha-signature'] as string | undefined, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/hooks`, received, server };
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('webhooks', () => {
  let t: TestApp;
  let f: Factories;
  let w: TwoRegionWorld;
  let hook: Awaited<ReturnType<typeof receiver>>;

  beforeAll(async () => {
    // the first delivery attempt fails twice with 500, then the receiver is fine
    hook = await receiver([500, 500]);
    t = await createTestApp({ env: { WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET } });
    f = await Factories.for(t);
    w = await twoRegionWorld(f);
  });

  afterAll(async () => {
    await f.close();
    await t.close();
    await new Promise((r) => hook.server.close(r));
  });

  it('delivers each notification signed, retrying a failing receiver until it takes it, then exactly once', async () => {
    const created = await request(t.http)
      .post('/api/v1/findings')
      .set('Authorization', `Bearer ${w.inspectorCj.token}`)
      .send({ institutionId: w.instCj.id, title: '配电箱前堆放纸箱', severity: 'general' });
    expect(created.status).toBe(201);
    await until(() => hook.received.some((r) => r.status === 200), 15_000);
    // two 500s, then the 200: three attempts for one notification, and nothing after it
    expect(hook.received.map((r) => r.status)).toEqual([500, 500, 200]);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(hook.received).toHaveLength(3);
    const delivered = hook.received[2];
    expect(delivered.signature).toBe(webhookSignature(SECRET, delivered.body));
    const payload = JSON.parse(delivered.body);
    expect(payload).toMatchObject({
      kind: 'finding_created',
      findingId: created.body.id,
      recipientId: w.headCj.id,
      message: expect.stringContaining('配电箱前堆放纸箱'),
    });
    const { rows } = await f.db.query('SELECT attempts, delivered_at IS NOT NULL AS delivered, last_error FROM webhook_outbox');
    expect(rows).toEqual([{ attempts: 3, delivered: true, last_error: null }]);
  }, 30_000);
});

describe('webhook outbox across a restart', () => {
  it('delivers what an instance queued but could not send, once another instance starts', async () => {
    const port = await freeLowPort();
    const url = `http://127.0.0.1:${port}/hooks`;
    const databaseUrl = await createTestDatabase();
    const env = { WEBHOOK_URL: url, WEBHOOK_SECRET: SECRET };
    // nobody listens yet: the first instance queues and fails
    const first = await createTestApp({ databaseUrl, env });
    const f = await Factories.for(first);
    try {
      const w = await twoRegionWorld(f);
      const res = await request(first.http)
        .post('/api/v1/findings')
        .set('Authorization', `Bearer ${w.bureauCj.token}`)
        .send({ institutionId: w.instCj.id, title: '灭火器过期', severity: 'general' });
      expect(res.status).toBe(201);
      await new Promise((r) => setTimeout(r, 1_500));
      await first.close();
      const queued = await f.db.query('SELECT attempts, delivered_at FROM webhook_outbox');
      expect(queued.rows).toHaveLength(1);
      expect(queued.rows[0].delivered_at).toBeNull();
      expect(queued.rows[0].attempts).toBeGreaterThanOrEqual(1);

      const hook = await new Promise<{ received: string[]; server: Server }>((resolve) => {
        const received: string[] = [];
        const server = createServer((req, res) => {
          let body = '';
          req.on('data', (c: Buffer) => (body += c.toString('utf8')));
          req.on('end', () => {
            received.push(body);
            res.writeHead(204).end();
          });
        }).listen(port, '127.0.0.1', () => resolve({ received, server }));
      });
      const second = await createTestApp({ databaseUrl, env });
      try {
        await until(() => hook.received.length > 0, 15_000);
        expect(JSON.parse(hook.received[0])).toMatchObject({ kind: 'finding_created', message: expect.stringContaining('灭火器过期') });
      } finally {
        await second.close();
        await new Promise((r) => hook.server.close(r));
      }
      const final = await f.db.query('SELECT delivered_at IS NOT NULL AS delivered FROM webhook_outbox');
      expect(final.rows).toEqual([{ delivered: true }]);
      expect(hook.received).toHaveLength(1);
    } finally {
      await f.close();
    }
  }, 40_000);
});
