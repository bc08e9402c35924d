import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import request from 'supertest';
import { Factories, twoRegionWorld, type TwoRegionWorld } from './factories/world.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

type Schema = { $ref?: string; type?: string; properties?: Record<string, Schema>; items?: Schema; enum?: unknown[]; required?: string[] };
interface Operation {
  method: string;
  path: string;
  query: string[];
  pathParams: string[];
  body?: Schema;
  multipart: boolean;
}

const REQUESTS = Number(process.env.SWEEP_REQUESTS ?? 10_000);
/** What a refused request may add to the trail: the record of the refusal itself. */
/** What a refused request itself records (安全审计): refusals, failed logins and password changes (they count towards the lockout), a session a refused refresh ended. */
const SECURITY_EVENTS = new Set([
  'auth.forbidden',
  'auth.login_failed',
  'auth.lockout',
  'auth.password_change_failed',
  'auth.refresh_reuse',
  'auth.session_end',
]);

/** Values that have broken services before: types, edges, unicode, injections. */
const nasty = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1e308,
    -1e308,
    2 ** 53,
    1.5,
    '',
    ' ',
    '0',
    '-1',
    'NaN',
    'null',
    'undefined',
    '[]',
    '{}',
    "' OR 1=1 --",
    '"; DROP TABLE users; --',
    '$where',
    '{"$gt": ""}',
    '../../etc/passwd',
    '%00',
    '\u0000',
    '\ud800',
    '\udfff',
    '\u202e\u202d',
    '😀👩‍👩‍👧',
    '贵州省从江县',
    'x'.repeat(5000),
    '2026-02-30',
    '2026-13',
    '0000-01-01',
    '9999-12-31',
    '00000000-0000-4000-8000-000000000000',
    'not-a-uuid',
    '520000',
    '522633101',
    '999999',
    'elderly_care',
    'major',
    'pass',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.integer()), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

function resolve(spec: { components: { schemas: Record<string, Schema> } }, schema: Schema | undefined): Schema | undefined {
  if (!schema) return undefined;
  if (schema.$ref) return resolve(spec, spec.components.schemas[schema.$ref.split('/').pop() as string]);
  return schema;
}

/** A body built from the schema, wrongly: some fields missing, some with nasty values, extra fields, or not an object at all. */
function bodyFor(spec: Parameters<typeof resolve>[0], schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(spec, schema);
  if (!s || depth > 2) return nasty;
  if (s.type === 'array') return fc.oneof(fc.array(bodyFor(spec, s.items, depth + 1), { maxLength: 3 }), nasty);
  if (s.properties) {
    const fields = Object.fromEntries(
      Object.entries(s.properties).map(([k, v]) => [k, fc.option(fc.oneof(bodyFor(spec, v, depth + 1), nasty), { nil: undefined })]),
    );
    return fc.oneof(
      { weight: 6, arbitrary: fc.record(fields, { requiredKeys: [] }) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.record(fields, { requiredKeys: [] }), fc.dictionary(fc.string({ maxLength: 8 }), nasty, { maxKeys: 2 }))
          .map(([a, b]) => ({ ...b, ...a })),
      },
      { weight: 1, arbitrary: nasty },
    );
  }
  if (s.enum) return fc.oneof(fc.constantFrom(...s.enum), nasty);
  return nasty;
}

describe('bad-input sweep over every route of the OpenAPI document', () => {
  let t: TestApp;
  let f: Factories;
  let w: TwoRegionWorld;
  let operations: Operation[];
  let spec: Parameters<typeof resolve>[0] & {
    paths: Record<
      string,
      Record<string, { parameters?: { in: string; name: string }[]; requestBody?: { content: Record<string, { schema: Schema }> } }>
    >;
  };

  beforeAll(async () => {
    // thousands of requests a minute from one client: the sweep is about inputs, not the rate limit
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    f = await Factories.for(t);
    w = await twoRegionWorld(f);
    spec = (await request(t.http).get('/api/docs-json')).body;
    // logout takes no input to malform, and would end the sessions of the sweep's four callers
    operations = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([method]) => !(method === 'post' && path === '/api/v1/auth/logout'))
        .map(([method, op]) => ({
          method,
          path,
          query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
          pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
          body: op.requestBody?.content['application/json']?.schema,
          multipart: Boolean(op.requestBody?.content['multipart/form-data']),
        })),
    );
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  it(
    `sends ${REQUESTS} malformed requests: no 5xx, every 4xx is problem+json, and a refused request changes nothing`,
    async () => {
      const tokens = [w.admin.token, w.bureauQdn.token, w.inspectorCj.token, w.headCj.token];
      const failures: string[] = [];
      let sent = 0;
      const auditHead = async () => (await f.db.query<{ id: string | null }>('SELECT max(id)::text AS id FROM audit_events')).rows[0].id;
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: operations.length - 1 }),
          fc.nat({ max: tokens.length - 1 }),
          fc.array(fc.oneof(nasty, fc.uuid()), { minLength: 3, maxLength: 3 }),
          fc.dictionary(
            fc.constantFrom(
              'page',
              'pageSize',
              'regionCode',
              'status',
              'q',
              'month',
              'format',
              'type',
              'version',
              'unread',
              'overdue',
              'roundId',
              'institutionId',
              'entity',
              'extra',
            ),
            nasty,
            { maxKeys: 4 },
          ),
          fc.integer({ min: 0, max: 9 }),
          fc.constantFrom('json', 'text', 'form', 'none'),
          async (opIndex, tokenIndex, params, query, bodySeed, contentType) => {
            const op = operations[opIndex];
            let i = 0;
            const text = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
            const encode = (v: string) => {
              try {
                return encodeURIComponent(v);
              } catch {
                return '%E0%A4%A'; // a lone surrogate: send malformed percent-encoding instead
              }
            };
            const path = op.path.replace(/\{(\w+)\}/g, () => encode(text(params[i++])));
            const qs = new URLSearchParams();
            for (const [k, v] of Object.entries(query)) qs.append(k, text(v));
            const body = fc.sample(bodyFor(spec, op.body), { numRuns: 1, seed: bodySeed * 7919 + opIndex })[0];
            const before = await auditHead();
            let req = request(t.http)
              [op.method as 'get'](`${path}${qs.size ? `?${qs}` : ''}`)
              .set('Authorization', `Bearer ${tokens[tokenIndex]}`);
            if (op.method !== 'get') {
              if (contentType === 'json') req = req.set('Content-Type', 'application/json').send(JSON.stringify(body) ?? 'null');
              else if (contentType === 'text') req = req.set('Content-Type', 'text/plain').send(String(JSON.stringify(body)));
              else if (contentType === 'form') req = req.attach('file', Buffer.from(String(JSON.stringify(body))), 'x.csv');
            }
            const res = await req;
            sent += 1;
            const label = `${op.method.toUpperCase()} ${path} ${res.status}`;
            if (res.status >= 500) failures.push(`${label} ${res.text.slice(0, 200)}`);
            if (res.status >= 400 && !String(res.headers['content-type']).startsWith('application/problem+json'))
              failures.push(`${label} not problem+json`);
            if (res.status >= 400 && (await auditHead()) !== before) {
              // a refusal is itself recorded (安全审计: auth.forbidden, login failures); nothing else may change
              const { rows } = await f.db.query<{ action: string }>('SELECT action FROM audit_events WHERE id > $1', [before ?? '0']);
              const changes = rows.filter((r) => !SECURITY_EVENTS.has(r.action));
              if (changes.length > 0) failures.push(`${label} changed the audit trail: ${changes.map((c) => c.action).join(', ')}`);
            }
          },
        ),
        { numRuns: REQUESTS, seed: 20260601, endOnFailure: false },
      );
      expect(failures.slice(0, 20)).toEqual([]);
      expect(sent).toBe(REQUESTS);
      process.stdout.write(`[sweep] ${sent} requests over ${operations.length} operations, ${failures.length} failures\n`);
    },
    Math.max(600_000, REQUESTS * 30),
  ); // the soak's 100,000 requests need more than the CI run's ten minutes
});
