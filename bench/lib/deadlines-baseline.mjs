// The deadlines job's baseline, shared by bench/run.mjs and bench/national.mjs: one head per
// institution to tell, a reset between the bare SQL and the job, and the bare UPDATE that marks the
// findings overdue plus the bare INSERT … SELECT of the same `overdue` notices.

/** One institution head for every institution without a user (who the overdue notices go to). */
export async function addHeads(db) {
  await db.query(
    `INSERT INTO users (username, password_hash, display_name, role, institution_id)
     SELECT 'bench-head-' || i.id, 'x', '基准负责人', 'institution_head', i.id FROM institutions i
     WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.institution_id = i.id)`,
  );
}

/**
 * Undoes a run: no notices of the job, no finding overdue, fresh statistics,
 * and everything written so far flushed by a checkpoint, so that neither the
 * job nor its baseline starts with the other's (or the reset's) dirty pages
 * to write. At national size each can write more than max_wal_size (1 GB), so
 * where a checkpoint falls is otherwise luck: two runs of the same code gave
 * ratios of 1.41 and 1.74 over 2.25 M findings.
 */
export async function resetDeadlines(db) {
  await db.query(`DELETE FROM notifications WHERE kind IN ('overdue', 'deadline_reminder', 'escalation', 'digest')`);
  await db.query(`UPDATE findings SET overdue = false, overdue_since = NULL WHERE overdue`);
  await db.query('VACUUM ANALYZE findings');
  await db.query('VACUUM ANALYZE notifications');
  await db.query('CHECKPOINT');
}

/** The bare SQL the job is measured against, as of 2026-07-01: how many findings it marked and told. */
export async function bareDeadlines(db) {
  const marked = await db.query(
    `UPDATE findings SET overdue = true, overdue_since = deadline + 1 WHERE status IN ('open', 'pending_verification') AND NOT overdue AND deadline < DATE '2026-07-01'`,
  );
  const told = await db.query(
    `INSERT INTO notifications (recipient_id, kind, finding_id, message)
     SELECT u.id, 'overdue', f.id, format('隐患“%s”已超过整改期限（%s），已被标记为逾期，请立即整改并提交整改材料。', left(f.title, 60), f.deadline)
     FROM findings f JOIN users u ON u.institution_id = f.institution_id AND u.role = 'institution_head' AND u.active
     WHERE f.overdue AND f.status IN ('open', 'pending_verification')`,
  );
  return { marked: marked.rowCount, told: told.rowCount };
}
