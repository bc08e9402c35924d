import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Server } from 'node:http';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { loadConfig, type RuntimeConfig } from '../../src/config/config.js';
import { withSecrets } from '../../src/config/secrets.js';
import { ResponseContract } from './response-contract.js';
import { createTestDatabase } from './test-database.js';

export const TEST_JWT_SECRET = 'paicha-test-secret-0123456789-abcdefghij';
export const TEST_DATA_KEY = 'paicha-test-data-key-0123456789-abcdefghij';
export const TEST_AUDIT_KEY = 'paicha-test-audit-key-0123456789-abcdefghij';

export interface TestApp {
  app: INestApplication;
  baseUrl?: string;
  http: Server;
  config: RuntimeConfig;
  databaseUrl: string;
  /** The responses checked against the OpenAPI description so far (violations fail close()). */
  contract: ResponseContract;
  close(): Promise<void>;
}

/**
 * Boots the real AppModule in-process with configureApp, on the spec's own
 * database (cloned from the migrated template unless one is given).
 */
export interface TestAppOptions {
  /** Also listen on a free local port (for browser tests); the URL is in `baseUrl`. */
  listen?: boolean;
  env?: Record<string, string>;
  databaseUrl?: string;
  /** Listen on this port instead of a free one (a "redeploy" on the same origin). */
  port?: number;
  /** Serve the UI from this folder instead of ui/ (another version of the app shell). */
  uiDir?: string;
  /** Extra controllers mounted next to the app's own (probes for the HTTP layer). */
  controllers?: Type[];
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_KEY: TEST_DATA_KEY,
    AUDIT_KEY: TEST_AUDIT_KEY,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SEED_DEMO: 'false',
    // no second factor unless a spec asks for it (the default asks it of admins and bureaus)
    MFA_REQUIRED_ROLES: '',
    ...options.env,
  });
  const runtime = await withSecrets(config);
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot({ config: runtime, databaseUrl })],
    controllers: options.controllers ?? [],
  }).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, bufferLogs: true });
  const contract = new ResponseContract();
  app.use(contract.middleware);
  configureApp(app, { uiDir: options.uiDir });
  await app.init();
  // the spec's own probe controllers are not part of the API
  contract.load(
    app,
    (options.controllers ?? []).map((c) => c.name),
  );
  let baseUrl: string | undefined;
  if (options.listen || options.port) {
    await app.listen(options.port ?? 0, '127.0.0.1');
    const address = (app.getHttpServer() as Server).address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }
  return {
    baseUrl,
    app,
    http: app.getHttpServer() as Server,
    config: runtime,
    databaseUrl,
    contract,
    async close() {
      await app.close();
      if (process.env.CONTRACT_DEBUG) console.log(`contract: ${contract.checked} responses checked`);
      // every answer the spec received matched the served OpenAPI description
      if (contract.violations.length > 0) {
        const unique = [...new Set(contract.violations)];
        throw new Error(`Responses that do not match the OpenAPI description (${unique.length}):\n${unique.slice(0, 30).join('\n')}`);
      }
    },
  };
}
