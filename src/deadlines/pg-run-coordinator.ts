import type { DataSource } from 'typeorm';
import type { RunCoordinator } from 'node-cron';

/**
 * node-cron 4's distributed mode asks this before each tick: the key is
 * `<job name>:<slot ISO time>`. The instance whose INSERT of (job, slot)
 * succeeds runs the tick; every other instance finds the row and skips it.
 */
export class PgRunCoordinator implements RunCoordinator {
  constructor(private readonly dataSource: DataSource) {}

  async shouldRun(key: string): Promise<boolean> {
    const { job, slot } = splitKey(key);
    const rows = (await this.dataSource.query(
      'INSERT INTO job_runs (job, slot) VALUES ($1, $2) ON CONFLICT (job, slot) DO NOTHING RETURNING job',
      [job, slot],
    )) as unknown[];
    return rows.length === 1;
  }

  async onComplete(key: string): Promise<void> {
    const { job, slot } = splitKey(key);
    await this.dataSource.query('UPDATE job_runs SET finished_at = now() WHERE job = $1 AND slot = $2', [job, slot]);
  }
}

function splitKey(key: string): { job: string; slot: string } {
  const at = key.indexOf(':');
  return { job: key.slice(0, at), slot: key.slice(at + 1) };
}
