import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from './entities.js';
import { SnakeNamingStrategy } from './naming.strategy.js';
import { NO_SSL, pgSsl } from './ssl.js';
import type { DatabaseSsl } from '../config/config.js';

// Calendar dates (DATE) stay 'YYYY-MM-DD' strings: turning them into Date objects
// at local midnight would shift them by the process's time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);

export interface DataSourceSettings {
  url: string;
  /** TLS to the server (DATABASE_SSL); default none. */
  ssl?: DatabaseSsl;
  /** Connections in this process's pool. */
  poolSize?: number;
  applicationName?: string;
  entities?: Function[];
}

/** The one place that says how we talk to PostgreSQL: the app, the migration CLI and the tests all build from here. */
export function dataSourceOptions(settings: DataSourceSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    ssl: pgSsl(settings.ssl ?? NO_SSL),
    entities: settings.entities ?? ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    // gen_random_uuid() is built into PostgreSQL 13+: no extension to install on a managed server
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    poolSize: settings.poolSize ?? 20,
    applicationName: settings.applicationName ?? 'paicha',
    extra: {
      // fail fast when the database is unreachable instead of hanging a request
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      // a query on a request path never runs longer than this
      statement_timeout: 60_000,
    },
  };
}

export function createDataSource(settings: DataSourceSettings): DataSource {
  return new DataSource(dataSourceOptions(settings));
}
