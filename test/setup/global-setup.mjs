// Once per `jest` run: a PostgreSQL server (TEST_DATABASE_URL, else an embedded
// one in a temp folder) and a template database migrated with the real
// migrations. Each spec file clones its own database from the template (see
// test/helpers/test-database.ts), so specs are isolated and fast.
//
// Jest loads global setup outside its ESM test runtime, where our TypeScript
// sources cannot be imported; it uses the build in dist/ (`npm test` builds
// first) and refuses a build older than the migrations or the database code.
import 'reflect-metadata';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function assertFreshBuild() {
  let built;
  try {
    built = statSync('dist/src/database/data-source.js').mtimeMs;
  } catch {
    throw new Error('No build in dist/: run `npm test` (or `npm run build` before jest)');
  }
  if (Math.max(newestMtime('src/database'), newestMtime('migrations')) > built) {
    throw new Error('dist/ is older than migrations/ or src/database/: run `npm run build` (npm test does it for you)');
  }
}

export default async function globalSetup() {
  assertFreshBuild();
  const { createDataSource } = await import('../../dist/src/database/data-source.js');
  const { runMigrationsLocked } = await import('../../dist/src/database/migrate.js');
  const { openScratchServer } = await import('../../dist/src/database/scratch-server.js');

  const started = Date.now();
  const server = await openScratchServer(process.env.TEST_DATABASE_URL);
  let templateUrl;
  try {
    templateUrl = await server.createDatabase('paicha_test_template');
    const dataSource = createDataSource({ url: templateUrl, poolSize: 2, applicationName: 'paicha-test-setup' });
    await dataSource.initialize();
    try {
      await runMigrationsLocked(dataSource);
    } finally {
      await dataSource.destroy();
    }
  } catch (error) {
    // Jest runs no teardown after a failed setup: do not leave the server running
    await server.stop();
    throw error;
  }
  const templateName = new URL(templateUrl).pathname.slice(1);
  process.env.PAICHA_TEST_SERVER_URL = server.url;
  process.env.PAICHA_TEST_TEMPLATE_DB = templateName;
  globalThis.__paichaTestServer = { server, templateName };
  const where = process.env.TEST_DATABASE_URL ? 'TEST_DATABASE_URL' : 'embedded PostgreSQL';
  process.stdout.write(`\n[test db] ${where} ready, template migrated in ${Date.now() - started} ms\n`);
}
