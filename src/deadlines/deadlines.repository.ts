import { Injectable } from '@nestjs/common';
import type { SqlParams } from '../access/scope.js';

@Injectable()
export class DeadlinesRepository {
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
