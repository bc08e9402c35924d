import pg from 'pg';

export default async function globalTeardown() {
  const state = globalThis.__paichaTestServer;
  if (!state) return;
  // on a shared server (TEST_DATABASE_URL) drop what this run created; an embedded one is removed whole
  if (process.env.TEST_DATABASE_URL) {
    const client = new pg.Client({ connectionString: state.server.url });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT datname FROM pg_database WHERE datname LIKE 'paicha\\_test\\_%'");
      for (const { datname } of rows) {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
      }
    } finally {
      await client.end();
    }
  }
  await state.server.stop();
}
