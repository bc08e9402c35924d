import { Controller, Get } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import request from 'supertest';
import { PERMISSIONS_KEY, PUBLIC_KEY } from '../src/access/decorators.js';
import { Factories } from './factories/world.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

/** A route someone forgot to declare: the guard must keep it closed. */
@Controller('forgotten')
class ForgottenController {
  @Get()
  open(): string {
    return 'should never be served';
  }
}

describe('every route declares who may call it', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ controllers: [ForgottenController] });
  });

  afterAll(async () => {
    await t.close();
  });

  it('finds @Public() or @Allow(...) on every route handler of the app', () => {
    const discovery = new DiscoveryService(t.app.get(ModulesContainer));
    const scanner = new MetadataScanner();
    const reflector = t.app.get(Reflector);
    const undeclared: string[] = [];
    let routes = 0;
    for (const wrapper of discovery.getControllers()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype || metatype === ForgottenController) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = (prototype as Record<string, unknown>)[name] as object;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined || Reflect.getMetadata(METHOD_METADATA, handler) === undefined)
          continue;
        routes++;
        const isPublic = reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [handler as never, metatype]);
        const permissions = reflector.getAllAndOverride<unknown[]>(PERMISSIONS_KEY, [handler as never, metatype]);
        if (!isPublic && !(permissions && permissions.length > 0)) undeclared.push(`${metatype.name}.${name}`);
      }
    }
    expect(routes).toBeGreaterThanOrEqual(47);
    expect(undeclared).toEqual([]);
  });

  it('denies a route that declares nothing, even to an admin', async () => {
    const f = await Factories.for(t);
    const admin = await f.user({ role: 'admin' });
    await f.close();
    const res = await request(t.http).get('/api/v1/forgotten').set('Authorization', `Bearer ${admin.token}`);
    expect(res.status).toBe(403);
    expect(res.body.type).toBe('urn:paicha:problem:undeclared_route');
    expect((await request(t.http).get('/api/v1/forgotten')).status).toBe(401);
  });

  it('documents every route in the OpenAPI spec', async () => {
    const spec = (await request(t.http).get('/api/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    for (const route of [
      'POST /api/v1/auth/login',
      'GET /api/v1/auth/me',
      'POST /api/v1/users',
      'GET /api/v1/users',
      'GET /api/v1/users/{id}',
      'PATCH /api/v1/users/{id}',
      'GET /api/v1/regions',
      'GET /api/v1/regions/{code}',
      'POST /api/v1/regions',
      'POST /api/v1/regions/import',
      'POST /api/v1/institutions',
      'GET /api/v1/institutions',
      'GET /api/v1/institutions/{id}',
      'PATCH /api/v1/institutions/{id}',
      'POST /api/v1/institutions/import',
      'GET /api/v1/audit',
      'GET /api/v1/audit/verify',
      'GET /health',
      'GET /api/v1/templates',
      'POST /api/v1/templates',
      'GET /api/v1/templates/{id}',
      'GET /api/v1/templates/by-code/{code}',
      'POST /api/v1/templates/by-code/{code}/versions',
      'POST /api/v1/rounds',
      'GET /api/v1/rounds',
      'GET /api/v1/rounds/{id}',
      'POST /api/v1/rounds/{id}/open',
      'POST /api/v1/rounds/{id}/close',
      'GET /api/v1/rounds/{id}/progress',
      'GET /api/v1/inspections',
      'GET /api/v1/inspections/{id}',
      'PUT /api/v1/inspections/{id}/answers',
      'POST /api/v1/inspections/{id}/submit',
      'POST /api/v1/inspections/{id}/assign',
      'GET /api/v1/findings',
      'GET /api/v1/findings/{id}',
      'POST /api/v1/attachments',
      'GET /api/v1/attachments/{id}',
      'POST /api/v1/findings',
      'POST /api/v1/findings/{id}/rectify',
      'POST /api/v1/findings/{id}/verify',
      'POST /api/v1/findings/{id}/extend',
      'GET /api/v1/notifications',
      'POST /api/v1/notifications/{id}/read',
      'POST /api/v1/jobs/deadlines/run',
      'GET /api/v1/reports/summary',
      'GET /api/v1/reports/monthly',
      'GET /api/v1/inspections/{id}/report.pdf',
    ]) {
      expect(documented).toContain(route);
    }
  });
});
