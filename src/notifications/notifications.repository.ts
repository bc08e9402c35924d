import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

@Injectable()
export class NotificationsRepository {
  /**
   * One notification per finding for every active head of the institution;
   * the unique (finding, kind, recipient) key makes a repeat a no-op.
   */
  async toInstitutionHeads(
    em: EntityManager,
    institutionId: string,
    kind: string,
    items: { findingId: string; message: string }[],
  ): Promise<number> {
    if (items.length === 0) return 0;
    const rows = (await em.query(
      `INSERT INTO notifications (recipient_id, kind, finding_id, message)
       SELECT u.id, $2, m.finding_id, m.message
       FROM unnest($3::uuid[], $4::text[]) AS m(finding_id, message)
       JOIN users u ON u.institution_id = $1 AND u.role = 'institution_head' AND u.active
       ON CONFLICT (finding_id, kind, recipient_id) DO NOTHING
       RETURNING id`,
      [institutionId, kind, items.map((i) => i.findingId), items.map((i) => i.message)],
    )) as unknown[];
    return rows.length;
  }
}
