import { openScratchServer } from '../../src/database/scratch-server.js';

/** A fresh database for one spec file, cloned from the migrated template of this run. */
export async function createTestDatabase(): Promise<string> {
  const serverUrl = process.env.PAICHA_TEST_SERVER_URL;
  const template = process.env.PAICHA_TEST_TEMPLATE_DB;
  if (!serverUrl || !template) throw new Error('The test database server is not set up: run the tests through `npm test`');
  const server = await openScratchServer(serverUrl);
  return server.createDatabase('paicha_test_db', template);
}

/** An empty database (no migrations applied), for tests of booting and migrating. */
export async function createEmptyDatabase(): Promise<string> {
  const serverUrl = process.env.PAICHA_TEST_SERVER_URL;
  if (!serverUrl) throw new Error('The test database server is not set up: run the tests through `npm test`');
  return (await openScratchServer(serverUrl)).createDatabase('paicha_test_empty');
}
