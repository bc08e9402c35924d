import type { DataSource, Migration } from 'typeorm';

/** Arbitrary constant: the advisory lock every instance takes to run migrations one at a time. */
const MIGRATION_LOCK_KEY = 726_434_001;

/**
 * Runs pending migrations under a session-level PostgreSQL advisory lock, so
 * several instances booting together migrate once and the others wait for it.
 * The lock holds one pooled connection while the migrations use another: the
 * data source needs a pool of at least two.
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
