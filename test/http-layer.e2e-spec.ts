import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { IsInt, IsString, Max, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import pg from 'pg';
import request from 'supertest';
import { Public } from '../src/access/decorators.js';
import { CommonError, DomainException } from '../src/common/problem/domain.exception.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

class ProbeItemDto {
  @IsString()
  code!: string;
}

class ProbeDto {
  @IsString()
  name!: string;

  @IsInt()
  @Min(1)
  @Max(10)
  count!: number;

  @ValidateNested({ each: true })
  @Type(() => ProbeItemDto)
  items!: ProbeItemDto[];
}

/** Routes that exist only in this spec, to drive the global pipe and filter. */
@Controller('probe')
@Public()
class ProbeController {
  @Post()
  @HttpCode(200)
  echo(@Body() body: ProbeDto): ProbeDto {
    return body;
  }

  @Get('boom')
  boom(): never {
    throw new Error('relation "secret_table" does not exist at SELECT * FROM secret_table');
  }

  @Get('conflict')
  conflict(): never {
    throw new DomainException(CommonError.StaleVersion, 'The inspection was changed by someone else', { currentVersion: 4 });
  }
}

function expectProblem(res: request.Response, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(res.body).toEqual(
    expect.objectContaining({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) }),
  );
}

describe('HTTP layer (configureApp)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ controllers: [ProbeController] });
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers GET /health with the contract body and security headers', async () => {
    const res = await request(t.http).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', db: 'up', storage: 'up' });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('gives every request an id, keeping a well-formed one the client sent', async () => {
    const own = await request(t.http).get('/health').set('X-Request-Id', 'phone-42.abc');
    expect(own.headers['x-request-id']).toBe('phone-42.abc');
    const bad = await request(t.http).get('/health').set('X-Request-Id', 'x'.repeat(200));
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const res = await request(t.http).get('/api/v1/anything-unknown');
    expectProblem(res, 404);
    expect(res.body).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No route GET /api/v1/anything-unknown',
    });
  });

  it('answers a wrong method on a known route with 405 and Allow', async () => {
    const res = await request(t.http).delete('/health');
    expectProblem(res, 405);
    expect(res.headers.allow).toBe('GET, HEAD');
    const probe = await request(t.http).put('/api/v1/probe');
    expectProblem(probe, 405);
    expect(probe.headers.allow).toBe('POST');
  });

  it('answers malformed JSON with 400 problem+json', async () => {
    const res = await request(t.http).post('/api/v1/probe').set('Content-Type', 'application/json').send('{"name": "x",');
    expectProblem(res, 400);
    expect(res.body.detail).toBe('The request body is not valid JSON');
  });

  it('answers a 2 MiB JSON body with 413 problem+json', async () => {
    const body = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), count: 1, items: [] });
    const res = await request(t.http).post('/api/v1/probe').set('Content-Type', 'application/json').send(body);
    expectProblem(res, 413);
    expect(res.body.detail).toBe('The request body exceeds 1048576 bytes');
  });

  it('accepts a body just under the 1 MiB limit', async () => {
    const body = JSON.stringify({ name: 'x'.repeat(1024 * 1024 - 100), count: 1, items: [] });
    const res = await request(t.http).post('/api/v1/probe').set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(200);
    expect(res.body.name).toHaveLength(1024 * 1024 - 100);
  });

  it('validates bodies: each invalid field is listed, unknown fields are rejected', async () => {
    const res = await request(t.http)
      .post('/api/v1/probe')
      .send({ name: 5, count: 11, items: [{ code: 'a' }, { code: 7 }], admin: true });
    expectProblem(res, 400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'name', message: 'name must be a string' },
        { field: 'count', message: 'count must not be greater than 10' },
        { field: 'items[1].code', message: 'code must be a string' },
        { field: 'admin', message: 'is not an allowed field' },
      ]),
    );
    expect(res.body.errors).toHaveLength(4);
  });

  it('refuses NUL characters in the body and the query string with 400 (PostgreSQL text cannot hold them)', async () => {
    const body = await request(t.http)
      .post('/api/v1/probe')
      .send({ name: 'a\u0000b', count: 1, items: [{ code: 'x' }] });
    expectProblem(body, 400);
    expect(body.body.errors).toEqual([{ field: 'name', message: 'must not contain NUL characters' }]);
    const nested = await request(t.http)
      .post('/api/v1/probe')
      .send({ name: 'a', count: 1, items: [{ code: '\u0000' }] });
    expect(nested.body.errors).toEqual([{ field: 'items[0].code', message: 'must not contain NUL characters' }]);
    // a key of digits is named as an index, as the validation pipe names it
    const keyed = await request(t.http)
      .post('/api/v1/probe')
      .send({ name: 'a', count: 1, items: [{ code: 'x', 7: '\u0000' }] });
    expect(keyed.body.errors).toEqual([{ field: 'items[0][7]', message: 'must not contain NUL characters' }]);
    const query = await request(t.http).get('/api/v1/probe/boom?q=%00');
    expectProblem(query, 400);
    expect(query.body.errors).toEqual([{ field: 'q', message: 'must not contain NUL characters' }]);
  });

  it('refuses unpaired UTF-16 surrogates with 400 (PostgreSQL JSON cannot hold them) and takes paired ones', async () => {
    for (const [text, field] of [
      ['a\ud800b', 'name'],
      ['\udc00', 'name'],
      ['😀\ud83d', 'name'],
    ] as const) {
      const res = await request(t.http).post('/api/v1/probe').send({ name: text, count: 1, items: [] });
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([{ field, message: 'must not contain unpaired UTF-16 surrogates' }]);
    }
    const nested = await request(t.http)
      .post('/api/v1/probe')
      .send({ name: 'a', count: 1, items: [{ code: 'x' }, { code: 'y\udbff' }] });
    expect(nested.body.errors).toEqual([{ field: 'items[1].code', message: 'must not contain unpaired UTF-16 surrogates' }]);
    const paired = await request(t.http).post('/api/v1/probe').send({ name: '排查😀\ud83d\ude00', count: 1, items: [] });
    expect([paired.status, paired.body.name]).toEqual([200, '排查😀😀']);
  });

  it('does not coerce types in bodies', async () => {
    const res = await request(t.http).post('/api/v1/probe').send({ name: 'a', count: '3', items: [] });
    expectProblem(res, 400);
    expect(res.body.errors).toContainEqual({ field: 'count', message: 'count must be an integer number' });
    expect(res.body.errors.every((e: { field: string }) => e.field === 'count')).toBe(true);
  });

  it('passes a valid body through', async () => {
    const res = await request(t.http)
      .post('/api/v1/probe')
      .send({ name: '养老院', count: 3, items: [{ code: 'A1' }] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: '养老院', count: 3, items: [{ code: 'A1' }] });
  });

  it('answers an unexpected error with a generic 500 that leaks neither SQL nor stack', async () => {
    const res = await request(t.http).get('/api/v1/probe/boom');
    expectProblem(res, 500);
    const requestId = res.headers['x-request-id'];
    expect(res.body).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: `An unexpected error occurred. Reference: ${requestId}`,
    });
    expect(res.text).not.toMatch(/secret_table|SELECT|at .*\.ts/);
  });

  it('maps a domain error code to its status, a urn type and extension members', async () => {
    const res = await request(t.http).get('/api/v1/probe/conflict');
    expectProblem(res, 409);
    expect(res.body).toEqual({
      type: 'urn:paicha:problem:stale_version',
      title: 'Conflict',
      status: 409,
      detail: 'The inspection was changed by someone else',
      currentVersion: 4,
    });
  });

  it('serves the OpenAPI document and its UI', async () => {
    const json = await request(t.http).get('/api/docs-json');
    expect(json.status).toBe(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(Object.keys(json.body.paths)).toContain('/health');
    const ui = await request(t.http).get('/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('keeps CORS closed when CORS_ORIGINS is unset', async () => {
    const res = await request(t.http).get('/health').set('Origin', 'https://evil.example');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('ran the real migrations on its database (never synchronize)', async () => {
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM migrations');
      expect(Number(rows[0].n)).toBeGreaterThanOrEqual(0);
      const tables = await client.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'migrations'");
      expect(tables.rowCount).toBe(1);
    } finally {
      await client.end();
    }
  });
});

describe('CORS_ORIGINS', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: 'https://app.paicha.example' } });
  });

  afterAll(async () => {
    await t.close();
  });

  it('allows only the listed origins', async () => {
    const ok = await request(t.http).get('/health').set('Origin', 'https://app.paicha.example');
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.paicha.example');
    const other = await request(t.http).get('/health').set('Origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
