import 'reflect-metadata';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { createObjectStore, type ObjectStore, S3ObjectStore } from '../attachments/storage/index.js';
import { type AppConfig, ConfigError, loadConfig } from '../config/config.js';
import { createDataSource } from '../database/data-source.js';
import { openDatabase } from '../database/embedded-database.js';
import { runMigrationsLocked } from '../database/migrate.js';
import { databaseSsl, pgSsl } from '../database/ssl.js';
import { type DatabaseDump, type DatabaseTarget, dumpDatabase, loadDatabase, nonEmptyTables, wipeDatabase } from './database-backup.js';
import { copyFilesIn, copyFilesOut, type FileEntry, storedKeys } from './files-backup.js';

/**
 * `npm run backup -- --out DIR`     the database (DATABASE_URL, else the embedded one in DATA_DIR) and every stored file
 * `npm run restore -- --from DIR [--force]`   back into an empty database and store (--force: replace what is there)
 */
export interface Manifest {
  format: 'paicha-backup-1';
  createdAt: string;
  storage: 'local' | 's3';
  migrations: string[];
  database: DatabaseDump;
  files: FileEntry[];
  seconds: { database: number; files: number };
}

const MANIFEST = 'manifest.json';

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function withTarget<T>(config: AppConfig, fn: (db: DatabaseTarget, store: ObjectStore) => Promise<T>): Promise<T> {
  const database = await openDatabase(config.databaseUrl, config.dataDir, () => undefined);
  const store = createObjectStore(config.storage);
  try {
    return await fn({ url: database.url, ssl: databaseSsl(config) }, store);
  } finally {
    if (store instanceof S3ObjectStore) store.destroy();
    await database.embedded?.stop();
  }
}

async function migrationNames(db: DatabaseTarget): Promise<string[]> {
  const client = new pg.Client({ connectionString: db.url, ssl: pgSsl(db.ssl) });
  await client.connect();
  try {
    return (await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id')).rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

export async function backup(config: AppConfig, out: string, method: 'auto' | 'pg_dump' | 'copy' = 'auto'): Promise<Manifest> {
  const dir = resolve(out);
  if (
    await stat(join(dir, MANIFEST)).then(
      () => true,
      () => false,
    )
  )
    throw new Error(`${dir} already holds a backup: choose another --out`);
  await mkdir(join(dir, 'database'), { recursive: true, mode: 0o700 });
  return withTarget(config, async (db, store) => {
    let t = Date.now();
    // The database first: files are content-addressed and never deleted, so every row of this snapshot finds its file below.
    const migrations = await migrationNames(db);
    const database = await dumpDatabase(db, dir, method);
    const dbSeconds = (Date.now() - t) / 1000;
    t = Date.now();
    const files = await copyFilesOut(store, dir);
    const manifest: Manifest = {
      format: 'paicha-backup-1',
      createdAt: new Date().toISOString(),
      storage: store.kind,
      migrations,
      database,
      files,
      seconds: { database: dbSeconds, files: (Date.now() - t) / 1000 },
    };
    await writeFile(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    return manifest;
  });
}

export async function restore(config: AppConfig, from: string, force: boolean): Promise<{ seconds: number; files: number }> {
  const dir = resolve(from);
  const manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as Manifest;
  if (manifest.format !== 'paicha-backup-1') throw new Error(`${dir}/${MANIFEST} is not a Paicha backup`);
  const started = Date.now();
  await withTarget(config, async (db, store) => {
    const tables = await nonEmptyTables(db);
    const keys = await storedKeys(store);
    if (!force && (tables.length > 0 || keys.length > 0)) {
      throw new Error(
        `the target is not empty (${tables.length} tables with rows${tables.length ? `: ${tables.slice(0, 5).join(', ')}` : ''}; ` +
          `${keys.length} stored files): restore into an empty database and store, or pass --force to replace them`,
      );
    }
    // Nothing there worth keeping (or --force): start from an empty schema.
    await wipeDatabase(db);
    if (manifest.database.method === 'copy') {
      const dataSource = createDataSource({ url: db.url, ssl: db.ssl, poolSize: 2, applicationName: 'paicha-restore' });
      await dataSource.initialize();
      try {
        await runMigrationsLocked(dataSource);
      } finally {
        await dataSource.destroy();
      }
      const now = await migrationNames(db);
      if (now.join() !== manifest.migrations.join()) {
        throw new Error(
          `this version of Paicha has ${now.length} migrations, the backup ${manifest.migrations.length}: restore with the version that made it`,
        );
      }
    }
    await loadDatabase(db, dir, manifest.database);
    await copyFilesIn(store, dir, manifest.files);
  });
  return { seconds: (Date.now() - started) / 1000, files: manifest.files.length };
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  const config = loadConfig();
  if (command === 'backup') {
    const out = arg(args, '--out');
    if (!out) throw new Error('usage: npm run backup -- --out DIR [--method auto|pg_dump|copy]');
    const method = (arg(args, '--method') ?? 'auto') as 'auto' | 'pg_dump' | 'copy';
    if (!['auto', 'pg_dump', 'copy'].includes(method)) throw new Error('--method is auto, pg_dump or copy');
    const m = await backup(config, out, method);
    const bytes = m.files.reduce((n, f) => n + f.size, 0);
    const rows = m.database.method === 'copy' ? m.database.tables.reduce((n, t) => n + t.rows, 0) : undefined;
    console.log(
      `backup in ${resolve(out)}: database by ${m.database.method} (PostgreSQL ${m.database.serverVersion}${rows !== undefined ? `, ${rows} rows` : ''}) ` +
        `in ${m.seconds.database.toFixed(1)} s; ${m.files.length} files (${bytes} bytes) from ${m.storage} storage in ${m.seconds.files.toFixed(1)} s`,
    );
  } else if (command === 'restore') {
    const from = arg(args, '--from');
    if (!from) throw new Error('usage: npm run restore -- --from DIR [--force]');
    const r = await restore(config, from, args.includes('--force'));
    console.log(`restored ${resolve(from)}: the database and ${r.files} files in ${r.seconds.toFixed(1)} s`);
  } else {
    throw new Error('usage: backup --out DIR | restore --from DIR [--force]');
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(
    error instanceof ConfigError ? error.message : `${command()} failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});

function command(): string {
  return process.argv[2] ?? 'backup/restore';
}
