import type { SqlParams } from './sql-params.js';

interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface PagedSelect {
  columns: string;
  /** FROM clause of the rows (with the joins the columns need). */
  from: string;
  /** FROM clause of the count, when the joins are not needed to filter. */
  countFrom?: string;
  where: string;
  orderBy: string;
}

/** A page of rows and the total behind it, with the same WHERE and parameters: the shape of every list. */
export async function pagedSelect<T>(
  db: Queryable,
  q: PagedSelect,
  params: SqlParams,
  limit: number,
  offset: number,
): Promise<{ rows: T[]; total: number }> {
  const countValues = [...params.values];
  const limitRef = params.add(limit);
  const offsetRef = params.add(offset);
  const [count, rows] = await Promise.all([
    db.query(`SELECT count(*)::int AS n FROM ${q.countFrom ?? q.from} WHERE ${q.where}`, countValues) as Promise<{ n: number }[]>,
    db.query(
      `SELECT ${q.columns} FROM ${q.from} WHERE ${q.where} ORDER BY ${q.orderBy} LIMIT ${limitRef} OFFSET ${offsetRef}`,
      params.values,
    ) as Promise<T[]>,
  ]);
  return { rows, total: count[0].n };
}
