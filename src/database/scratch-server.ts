import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { withDatabase } from './embedded-database.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

/** A PostgreSQL server for throwaway databases: the given one, or an embedded one in a temp folder. */
export interface ScratchServer {
  /** URL of the server's maintenance database. */
  readonly url: string;
  createDatabase(prefix: string, template?: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** Settings that make a disposable server fast; never used for real data. */
export const DISPOSABLE_SETTINGS = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };

export async function openScratchServer(serverUrl: string | undefined): Promise<ScratchServer> {
  if (serverUrl) return scratchOn(serverUrl, async () => undefined);
  // mkdtemp makes a 0700 folder; the server may run as another OS user who must enter it
  const dir = await mkdtemp(join(tmpdir(), 'paicha-pg-'));
  await chmod(dir, 0o755);
  const server = await startEmbeddedPostgres({ dataDir: dir, settings: DISPOSABLE_SETTINGS });
  return scratchOn(server.url, async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });
}

function scratchOn(url: string, stopServer: () => Promise<void>): ScratchServer {
  const admin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    url,
    async createDatabase(prefix, template) {
      const name = `${prefix}_${randomBytes(5).toString('hex')}`;
      await admin(async (client) => {
        const sql = `CREATE DATABASE ${client.escapeIdentifier(name)}${template ? ` TEMPLATE ${client.escapeIdentifier(template)}` : ''}`;
        // cloning fails while another session briefly touches the template: retry
        for (let attempt = 0; ; attempt++) {
          try {
            await client.query(sql);
            return;
          } catch (error) {
            if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
            await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
          }
        }
      });
      return withDatabase(url, name);
    },
    async dropDatabase(name) {
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`));
    },
    stop: stopServer,
  };
}
