import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { Actor } from '../src/access/actor.js';
import { Role, ROLES } from '../src/access/roles.js';
import { mayFill, mayFillSql } from '../src/inspections/fill-rule.js';
import { createTestDatabase } from './helpers/test-database.js';

const ME = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';

/**
 * The fill rule exists as code (the refusal's reason) and as SQL (inside the
 * one-statement save): both are evaluated here for every role, kind and
 * assignment, the SQL by PostgreSQL itself, and must agree.
 */
describe('the fill rule, in code and in SQL', () => {
  let db: pg.Client;

  beforeAll(async () => {
    db = new pg.Client({ connectionString: await createTestDatabase() });
    await db.connect();
  });

  afterAll(async () => {
    await db.end();
  });

  const assignments: { name: string; assignee_id: string | null; assignee_ids: string[] }[] = [
    { name: 'unassigned', assignee_id: null, assignee_ids: [] },
    { name: 'assigned to me', assignee_id: ME, assignee_ids: [ME] },
    { name: 'assigned to another', assignee_id: OTHER, assignee_ids: [OTHER] },
    { name: 'drawn: me second', assignee_id: OTHER, assignee_ids: [OTHER, ME] },
    { name: 'drawn: others only', assignee_id: OTHER, assignee_ids: [OTHER, '33333333-3333-4333-8333-333333333333'] },
  ];

  it('gives the same answer in code and in PostgreSQL for every case', async () => {
    const cases: string[] = [];
    for (const role of ROLES) {
      const actor: Actor = { id: ME, username: 'me', role, regionCode: null, regionPath: null, institutionId: null };
      for (const kind of ['supervisory', 'self'] as const) {
        for (const a of assignments) {
          const params: unknown[] = [kind, a.assignee_id, a.assignee_ids];
          const predicate = mayFillSql(actor, () => (params.push(ME), `$${params.length}::uuid`));
          const { rows } = await db.query<{ ok: boolean }>(
            `SELECT (${predicate}) AS ok FROM (SELECT $1::text AS kind, $2::uuid AS assignee_id, $3::uuid[] AS assignee_ids) x`,
            params,
          );
          const inCode = mayFill(actor, { kind, assignee_id: a.assignee_id, assignee_ids: a.assignee_ids });
          cases.push(`${role}/${kind}/${a.name}: ${inCode ? 'fill' : 'no'}`);
          expect({ role, kind, assignment: a.name, sql: rows[0].ok }).toEqual({ role, kind, assignment: a.name, sql: inCode });
        }
      }
    }
    // the rule's positive cases, spelled out: who fills what
    expect(cases.filter((c) => c.endsWith('fill'))).toEqual([
      'inspector/supervisory/unassigned: fill',
      'inspector/supervisory/assigned to me: fill',
      'inspector/supervisory/drawn: me second: fill',
      'institution_head/self/unassigned: fill',
      'institution_head/self/assigned to me: fill',
      'institution_head/self/assigned to another: fill',
      'institution_head/self/drawn: me second: fill',
      'institution_head/self/drawn: others only: fill',
    ]);
    expect(cases).toHaveLength(ROLES.length * 2 * assignments.length);
    expect(ROLES).toContain(Role.Auditor);
  });
});
