// npm run bench:seed -- --institutions 20000 [--findings 100000]
// Seeds a synthetic province into DATABASE_URL, or into the embedded database in DATA_DIR (./data).
import { inProcessApp, pool, timed } from './lib/stack.mjs';
import { seedProvince } from './lib/seed.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const institutions = arg('institutions', 20_000);
const findings = arg('findings', institutions * 5);

const { openDatabase } = await import('../dist/src/database/embedded-database.js');
const { loadConfig } = await import('../dist/src/config/config.js');
const config = loadConfig(process.env);
const database = await openDatabase(config.databaseUrl, config.dataDir, () => undefined);
const app = await inProcessApp(database.url);
const db = pool(database.url);
try {
  const { ms, result } = await timed(() => seedProvince(app, db, { institutions, findings, log: (m) => console.log(m) }));
  console.log(`seeded ${institutions} institutions, ${result.answers} answers and ${findings} findings in ${(ms / 1000).toFixed(1)} s`);
  console.log(`log in as ${result.bureauUsername} or ${result.inspectorUsername} with bench-password-2`);
} finally {
  await db.end();
  await app.close();
  await database.embedded?.stop();
}
