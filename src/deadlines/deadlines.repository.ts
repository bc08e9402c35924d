import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SqlParams } from '../access/scope.js';

@Injectable()
export class DeadlinesRepository {
  /**
   * The job is a batch over every finding, not a request: the pool's statement_timeout (60 s, for request
   * paths) would end it at national size (10 M findings), so its transaction runs without one.
   */
  async liftStatementTimeout(em: EntityManager): Promise<void> {
    await em.query('SET LOCAL statement_timeout = 0');
  }

  /**
   * The CTE `marked`: marks every open or pending finding past its deadline
   * as of `asOf` overdue, in one statement, and yields the rows newly marked
   * (id, institution_id, title, deadline) for the same statement's notices.
   */
  markOverdueCte(asOf: string, params: SqlParams): string {
    return `marked AS (
      UPDATE findings SET overdue = true, overdue_since = deadline + 1
      WHERE status IN ('open', 'pending_verification') AND NOT overdue AND deadline < ${params.add(asOf)}::date
      RETURNING id, institution_id, title, deadline)`;
  }
}
