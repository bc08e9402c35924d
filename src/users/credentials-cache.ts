import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import type { CredentialRow } from './users.repository.js';

/** An entry is trusted this long at most, even if a notification was somehow lost. */
const MAX_AGE_MS = 30_000;
const MAX_ENTRIES = 20_000;
const RELISTEN_MS = 1_000;
export const CREDENTIALS_CHANNEL = 'paicha_credentials';

/**
 * The credentials behind every authenticated request (is the user active, is
 * the token's version current, where is the user's scope), kept in memory so a
 * request does not wait for that lookup. It is only used while this instance
 * listens on the database's `paicha_credentials` channel: triggers announce at
 * commit every change to a user (its id) and to region paths or institution
 * regions (`*`), and each instance forgets what changed. Without the listening
 * connection nothing is cached; an entry read before a change that is
 * announced meanwhile is not kept; none is trusted for more than 30 s.
 */
@Injectable()
export class CredentialsCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CredentialsCache');
  private readonly entries = new Map<string, { row: unknown; at: number }>();
  private generation = 0;
  private listener: pg.Client | undefined;
  private listening = false;
  private stopped = false;
  private relistenScheduled = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.listen().catch((error: Error) => this.lost(error));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.listening = false;
    await this.listener?.end().catch(() => undefined);
  }

  /**
   * The cached credentials of a user (key: its id), or another row announced
   * on the channel under its key (a session: `s:<id>`), if it may be trusted now.
   */
  get<Row = CredentialRow>(key: string): Row | undefined {
    if (!this.listening) return undefined;
    const entry = this.entries.get(key);
    if (!entry || Date.now() - entry.at > MAX_AGE_MS) return undefined;
    return entry.row as Row;
  }

  /** Call before reading credentials from the database; pass the result to `set`. */
  ticket(): number {
    return this.generation;
  }

  /** Keeps credentials read since `ticket`, unless a change was announced meanwhile. */
  set<Row = CredentialRow>(key: string, row: Row, ticket: number): void {
    if (!this.listening || ticket !== this.generation) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { row, at: Date.now() });
  }

  /** Forgets a user (`*`: everyone). Also called by this instance right after its own changes commit. */
  forget(id: string): void {
    this.generation++;
    if (id === '*') this.entries.clear();
    else this.entries.delete(id);
  }

  private async listen(): Promise<void> {
    // the same server and TLS settings (DATABASE_SSL) as the pool
    const options = this.dataSource.options as { url?: string; ssl?: pg.ClientConfig['ssl'] };
    const client = new pg.Client({ connectionString: options.url, ssl: options.ssl, keepAlive: true });
    // events of a connection already replaced are not news
    const current = () => this.listener === client || this.listener === undefined;
    client.on('notification', (message) => this.forget(message.payload ?? '*'));
    client.on('error', (error) => current() && this.lost(error));
    client.on('end', () => current() && this.lost());
    await client.connect();
    await client.query(`LISTEN ${CREDENTIALS_CHANNEL}`);
    this.listener = client;
    this.listening = true;
  }

  private lost(error?: Error): void {
    const was = this.listener;
    this.listener = undefined;
    this.listening = false;
    this.forget('*');
    void was?.end().catch(() => undefined);
    if (this.stopped || this.relistenScheduled) return;
    if (error) this.logger.warn(`not listening for credential changes (${error.message}): nothing is cached until it listens again`);
    this.relistenScheduled = true;
    setTimeout(() => {
      this.relistenScheduled = false;
      if (!this.stopped && !this.listener) void this.listen().catch((e: Error) => this.lost(e));
    }, RELISTEN_MS).unref();
  }
}
