/**
 * The text of notifications, in Simplified Chinese (what institution heads and
 * bureau staff read). Templates for PostgreSQL's format(): each %s is filled
 * in SQL, so set-based jobs write their messages without a loop.
 */
export const MESSAGES = {
  /** grade, title, deadline */
  findingCreated: '检查发现%s：“%s”，请于 %s 前完成整改并上传整改材料。',
  /** institution, title, deadline */
  deadlineReminder: '整改期限提醒：%s的隐患“%s”将于 %s 到期，请抓紧整改并提交整改材料。',
  /** title, deadline */
  overdue: '隐患“%s”已超过整改期限（%s），已被标记为逾期，请立即整改并提交整改材料。',
  /** institution, title, deadline, days overdue */
  escalation: '重大事故隐患逾期升级：%s的“%s”（整改期限 %s）已逾期 %s 天未整改，请督促落实。',
  /** newly overdue count, due soon count */
  headDigest: '今日整改汇总：新逾期隐患 %s 项，即将到期隐患 %s 项。请逐项整改并上传整改材料。',
  /** institution, title */
  rectificationSubmitted: '%s已提交隐患“%s”的整改材料，请及时复核销号。',
  /** title, reason */
  rectificationRejected: '隐患“%s”的整改未通过复核：%s。请重新整改后再次提交。',
} as const;

/** What the security admins are told (等保: 安全审计, 入侵防范). */
export const SECURITY_MESSAGES = {
  lockout: (username: string, failures: number, minutes: number, ip: string) =>
    `账号 ${username} 连续 ${failures} 次登录失败，已被锁定 ${minutes} 分钟（来源地址 ${ip}）。如非本人操作，请核查。`,
  refusalBurst: (username: string, count: number, minutes: number) =>
    `账号 ${username} 在 ${minutes} 分钟内被拒绝访问 ${count} 次（无权限或不在管辖范围），可能在越权探测，请核查。`,
  refreshReuse: (username: string, ip: string) =>
    `账号 ${username} 的登录凭据被重复使用（来源地址 ${ip}），会话已强制结束。凭据可能被盗用，请联系本人核实。`,
  chainBroken: (seq: number) => `审计日志完整性校验失败：第 ${seq} 条记录起哈希链不一致，日志可能被篡改，请立即核查。`,
  dormant: (count: number, days: number) => `${count} 个账号超过 ${days} 天未登录，已被自动停用。`,
} as const;

export const GRADE_LABELS = {
  major: '重大事故隐患（挂牌督办）',
  general: '一般事故隐患',
} as const;

/** Titles are shortened in messages to this many characters. */
export const TITLE_CHARS = 60;
