import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { DataSource } from 'typeorm';

const names = new Map<string, string>();

/**
 * Runs a statement of a hot path (every request, or every answer batch) as a
 * named prepared statement on the pool TypeORM already holds: PostgreSQL
 * parses and plans it once per connection instead of once per request. The
 * name is derived from the text, so each distinct text (a scope predicate
 * differs by role) is its own statement. Rows come back exactly as from
 * `dataSource.query`; errors are the driver's (`code` on the error itself).
 */
export async function preparedQuery<T>(dataSource: DataSource, text: string, values: unknown[]): Promise<T[]> {
  let name = names.get(text);
  if (!name) {
    name = `paicha_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    if (names.size > 1000) names.clear();
    names.set(text, name);
  }
  const pool = (dataSource.driver as unknown as { master: pg.Pool }).master;
  const result = await pool.query<T & pg.QueryResultRow>({ name, text, values });
  return result.rows;
}
