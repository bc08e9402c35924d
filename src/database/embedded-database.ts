import pg from 'pg';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres.js';

export const EMBEDDED_DATABASE_NAME = 'paicha';

export interface OpenDatabase {
  url: string;
  embedded?: RunningPostgres;
}

/** DATABASE_URL when given; otherwise the embedded server in DATA_DIR with its `paicha` database. */
export async function openDatabase(databaseUrl: string | undefined, dataDir: string, log: (m: string) => void): Promise<OpenDatabase> {
  if (databaseUrl) return { url: databaseUrl };
  const embedded = await startEmbeddedPostgres({ dataDir, log });
  try {
    await ensureDatabase(embedded.url, EMBEDDED_DATABASE_NAME);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return { url: withDatabase(embedded.url, EMBEDDED_DATABASE_NAME), embedded };
}

export async function ensureDatabase(serverUrl: string, name: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      const suffix = template ? ` TEMPLATE ${client.escapeIdentifier(template)}` : '';
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}${suffix}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created meanwhile by another process
      });
    }
  } finally {
    await client.end();
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
