import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

@Injectable()
export class DeadlinesRepository {
  /**
   * Marks every open or pending finding past its deadline as of `asOf`
   * overdue, in one statement; returns the ids newly marked.
   */
  async markOverdue(em: EntityManager, asOf: string): Promise<string[]> {
    const rows = (await em.query(
      `UPDATE findings SET overdue = true, overdue_since = deadline + 1
       WHERE status IN ('open', 'pending_verification') AND NOT overdue AND deadline < $1::date
       RETURNING id`,
      [asOf],
    )) as [{ id: string }[], number];
    return rows[0].map((r) => r.id);
  }
}
