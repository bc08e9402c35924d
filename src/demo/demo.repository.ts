import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Any 64-bit constant: one instance seeds, the others find the data there. */
const DEMO_LOCK = 726_434_005;

@Injectable()
export class DemoRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` while holding the demo lock if the database holds nothing but the admin and the templates. */
  async whileEmpty(work: () => Promise<void>): Promise<boolean> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [DEMO_LOCK]);
      const [{ empty }] = (await runner.query(
        `SELECT NOT EXISTS (SELECT 1 FROM institutions) AND NOT EXISTS (SELECT 1 FROM rounds)
                AND NOT EXISTS (SELECT 1 FROM users WHERE role <> 'admin') AS empty`,
      )) as { empty: boolean }[];
      if (!empty) return false;
      await work();
      return true;
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [DEMO_LOCK]).catch(() => undefined);
      await runner.release();
    }
  }

  async firstAdminId(): Promise<string> {
    const rows = (await this.dataSource.query(`SELECT id FROM users WHERE role = 'admin' ORDER BY created_at LIMIT 1`)) as { id: string }[];
    return rows[0].id;
  }
}
