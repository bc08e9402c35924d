import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { pino } from 'pino';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { ConfigError, loadConfig } from './config/config.js';
import { withSecrets } from './config/secrets.js';
import { openDatabase, type OpenDatabase } from './database/embedded-database.js';

const SHUTDOWN_GRACE_MS = 25_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = pino({ level: config.logLevel, base: { context: 'Bootstrap' } });

  let database: OpenDatabase | undefined;
  try {
    database = await openDatabase(config.databaseUrl, config.dataDir, (m) => log.info(m));
    const app = await NestFactory.create(AppModule.forRoot({ config: await withSecrets(config), databaseUrl: database.url }), {
      bodyParser: false,
      bufferLogs: true,
      abortOnError: false,
    });
    configureApp(app);
    await app.listen(config.port);
    // a slow client cannot hold a connection open forever: headers within 20 s, a whole request
    // (a 10 MiB photo over a weak mobile network included) within 2 minutes
    const server = app.getHttpServer() as import('node:http').Server;
    server.headersTimeout = 20_000;
    server.requestTimeout = 120_000;
    log.info(
      `Paicha listening on http://localhost:${config.port} (${database.embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'DATABASE_URL'})`,
    );

    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info(`${signal} received: draining requests and shutting down`);
      const force = setTimeout(() => {
        log.error('graceful shutdown timed out; exiting');
        process.exit(1);
      }, SHUTDOWN_GRACE_MS);
      force.unref();
      // app.close(): stop accepting, finish in-flight requests, run shutdown hooks (cron, pool)
      void app
        .close()
        .then(() => database?.embedded?.stop())
        .then(() => {
          log.info('stopped');
          process.exit(0);
        })
        .catch((error: unknown) => {
          log.error({ err: error }, 'error during shutdown');
          process.exit(1);
        });
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  } catch (error) {
    log.fatal({ err: error }, `boot failed: ${error instanceof Error ? error.message : String(error)}`);
    await database?.embedded?.stop().catch(() => undefined);
    process.exit(1);
  }
}

void main();
