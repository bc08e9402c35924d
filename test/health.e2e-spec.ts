import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import request from 'supertest';
import { Factories } from './factories/world.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

/** The database goes away under a running app: /health says 503, then 200 again without a restart. */
describe('GET /health when the database is down', () => {
  let t: TestApp;
  let admin: pg.Client;
  let dbName: string;

  beforeAll(async () => {
    t = await createTestApp();
    dbName = new URL(t.databaseUrl).pathname.slice(1);
    admin = new pg.Client({ connectionString: process.env.PAICHA_TEST_SERVER_URL });
    await admin.connect();
  });

  afterAll(async () => {
    await admin.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS true`).catch(() => undefined);
    await t.close();
    await admin.end();
  });

  it('reports 503 while connections are refused and 200 once they are back', async () => {
    expect((await request(t.http).get('/health')).status).toBe(200);
    const f = await Factories.for(t);
    const adminUser = await f.user({ role: 'admin' });
    await f.close();

    await admin.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);

    const down = await request(t.http).get('/health');
    expect(down.status).toBe(503);
    expect(down.body).toEqual({ status: 'error', db: 'down', storage: 'up' });
    // an API request meanwhile is a 503 to retry, not a 500
    const api = await request(t.http).get('/api/v1/regions').set('Authorization', `Bearer ${adminUser.token}`);
    expect(api.status).toBe(503);
    expect(api.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(api.headers['retry-after']).toBe('5');

    await admin.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS true`);
    const up = await request(t.http).get('/health');
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ status: 'ok', db: 'up', storage: 'up' });
    expect((await request(t.http).get('/api/v1/regions').set('Authorization', `Bearer ${adminUser.token}`)).status).toBe(200);
  });
});
