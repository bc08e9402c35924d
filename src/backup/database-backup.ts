import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { DatabaseSsl } from '../config/config.js';
import { libpqUrl, pgSsl } from '../database/ssl.js';

const run = promisify(execFile);

export interface TableCopy {
  table: string;
  columns: string[];
  rows: number;
  file: string;
  sha256: string;
}

export type DatabaseDump =
  | { method: 'pg_dump'; serverVersion: string; file: string; sha256: string }
  | { method: 'copy'; serverVersion: string; tables: TableCopy[] };

/** A database to back up or restore into: its URL and how to reach it (DATABASE_SSL). */
export interface DatabaseTarget {
  url: string;
  ssl: DatabaseSsl;
}

function clientOf(db: DatabaseTarget, applicationName?: string): pg.Client {
  return new pg.Client({ connectionString: db.url, ssl: pgSsl(db.ssl), application_name: applicationName });
}

/** The major version of a `pg_dump`/`pg_restore` on PATH, or undefined when there is none. */
export async function clientMajor(tool: 'pg_dump' | 'pg_restore'): Promise<number | undefined> {
  try {
    const { stdout } = await run(tool, ['--version']);
    const match = /\(PostgreSQL\) (\d+)/.exec(stdout);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function serverVersion(client: pg.Client): Promise<{ text: string; major: number }> {
  const { rows } = await client.query<{ num: string; text: string }>(
    `SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS text`,
  );
  return { text: rows[0].text, major: Math.floor(Number(rows[0].num) / 10_000) };
}

/** Application tables in dependency order (a table after every table it references). */
export async function tablesInOrder(client: pg.Client): Promise<string[]> {
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
  );
  const { rows: refs } = await client.query<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent FROM pg_constraint c
      JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = current_schema()`,
  );
  const unquote = (name: string) => name.replace(/^"|"$/g, '');
  const parents = new Map<string, Set<string>>(tables.map((t) => [t.name, new Set<string>()]));
  for (const r of refs) if (unquote(r.child) !== unquote(r.parent)) parents.get(unquote(r.child))?.add(unquote(r.parent));
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string, path: Set<string>) => {
    if (seen.has(name)) return;
    if (path.has(name)) throw new Error(`foreign keys form a cycle through ${name}`);
    path.add(name);
    for (const parent of parents.get(name) ?? []) visit(parent, path);
    path.delete(name);
    seen.add(name);
    out.push(name);
  };
  for (const t of tables) visit(t.name, new Set());
  return out;
}

async function columnsOf(client: pg.Client, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
      ORDER BY attnum`,
    [table],
  );
  return rows.map((r) => r.name);
}

function hashing(hash: ReturnType<typeof createHash>): Transform {
  return new Transform({
    transform(chunk: Buffer, _e, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
}

/**
 * Tables a COPY dump leaves out, as not data: the migrations' own table (the
 * restore migrates its target to the same list, manifest `migrations`), and
 * the report roll-ups with their time zone, which the findings triggers count
 * again as the findings load (and the service recounts at boot if its TZ differs).
 */
const DERIVED_TABLES = new Set(['migrations', 'report_settings', 'finding_rollups', 'finding_type_rollups', 'finding_section_rollups']);

/**
 * Writes the database into `dir`: with `pg_dump -Fc` when a pg_dump on PATH is
 * at least the server's major version, else (the embedded PostgreSQL 18, whose
 * npm package ships no pg_dump) every table by `COPY … TO STDOUT (FORMAT binary)`
 * inside one REPEATABLE READ, READ ONLY transaction: one consistent snapshot.
 */
export async function dumpDatabase(db: DatabaseTarget, dir: string, method: 'auto' | 'pg_dump' | 'copy' = 'auto'): Promise<DatabaseDump> {
  const client = clientOf(db, 'paicha-backup');
  await client.connect();
  try {
    const version = await serverVersion(client);
    const dumpMajor = await clientMajor('pg_dump');
    const usePgDump = method === 'pg_dump' || (method === 'auto' && dumpMajor !== undefined && dumpMajor >= version.major);
    if (usePgDump) {
      const file = 'database.dump';
      await run('pg_dump', [
        '--format=custom',
        '--no-owner',
        '--no-privileges',
        `--file=${join(dir, file)}`,
        `--dbname=${libpqUrl(db.url, db.ssl)}`,
      ]);
      return { method: 'pg_dump', serverVersion: version.text, file, sha256: await sha256File(join(dir, file)) };
    }
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const tables: TableCopy[] = [];
    for (const table of (await tablesInOrder(client)).filter((name) => !DERIVED_TABLES.has(name))) {
      const columns = await columnsOf(client, table);
      const file = `database/${table}.copy`;
      const hash = createHash('sha256');
      const cols = columns.map((c) => client.escapeIdentifier(c)).join(', ');
      const stream = client.query(copyStreams.to(`COPY ${client.escapeIdentifier(table)} (${cols}) TO STDOUT (FORMAT binary)`));
      await pipeline(stream, hashing(hash), createWriteStream(join(dir, file), { mode: 0o600 }));
      tables.push({ table, columns, rows: stream.rowCount, file, sha256: hash.digest('hex') });
    }
    await client.query('COMMIT');
    return { method: 'copy', serverVersion: version.text, tables };
  } finally {
    await client.end();
  }
}

/** Tables of the target that hold rows (besides the derived ones). */
export async function nonEmptyTables(db: DatabaseTarget): Promise<string[]> {
  const client = clientOf(db);
  await client.connect();
  try {
    const out: string[] = [];
    for (const table of await tablesInOrder(client)) {
      if (DERIVED_TABLES.has(table)) continue;
      const { rowCount } = await client.query(`SELECT 1 FROM ${client.escapeIdentifier(table)} LIMIT 1`);
      if (rowCount) out.push(table);
    }
    return out;
  } finally {
    await client.end();
  }
}

/** Empties the target entirely (restore --force): the schema is dropped and made anew. */
export async function wipeDatabase(db: DatabaseTarget): Promise<void> {
  const client = clientOf(db);
  await client.connect();
  try {
    await client.query('DROP SCHEMA public CASCADE');
    await client.query('CREATE SCHEMA public');
  } finally {
    await client.end();
  }
}

/**
 * Loads a dump into `url`. A pg_dump file goes through `pg_restore`; a COPY
 * dump into a database the caller has migrated to the same schema, all tables
 * in one transaction in dependency order, then every sequence set past its column's maximum.
 */
export async function loadDatabase(db: DatabaseTarget, dir: string, dump: DatabaseDump): Promise<void> {
  if (dump.method === 'pg_dump') {
    await verifyFile(join(dir, dump.file), dump.sha256);
    await run('pg_restore', [
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      `--dbname=${libpqUrl(db.url, db.ssl)}`,
      join(dir, dump.file),
    ]);
    return;
  }
  const client = clientOf(db, 'paicha-restore');
  await client.connect();
  try {
    await client.query('BEGIN');
    for (const t of dump.tables) {
      const hash = createHash('sha256');
      const cols = t.columns.map((c) => client.escapeIdentifier(c)).join(', ');
      const sink = client.query(copyStreams.from(`COPY ${client.escapeIdentifier(t.table)} (${cols}) FROM STDIN (FORMAT binary)`));
      await pipeline(createReadStream(join(dir, t.file)), hashing(hash), sink);
      if (hash.digest('hex') !== t.sha256) throw new Error(`${t.file} does not match its SHA-256 in the manifest`);
      if (sink.rowCount !== t.rows) throw new Error(`${t.table}: loaded ${sink.rowCount} rows, the manifest says ${t.rows}`);
    }
    const { rows: sequences } = await client.query<{ table: string; column: string; seq: string }>(
      `SELECT c.relname AS table, a.attname AS column, pg_get_serial_sequence(quote_ident(c.relname), a.attname) AS seq
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
        WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
          AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL`,
    );
    for (const s of sequences) {
      const col = client.escapeIdentifier(s.column);
      await client.query(`SELECT setval($1, COALESCE((SELECT max(${col}) FROM ${client.escapeIdentifier(s.table)}), 0) + 1, false)`, [
        s.seq,
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hashing(hash), new Writable({ write: (_c, _e, done) => done() }));
  return hash.digest('hex');
}

async function verifyFile(path: string, sha256: string): Promise<void> {
  if ((await sha256File(path)) !== sha256) throw new Error(`${path} does not match its SHA-256 in the manifest`);
}
