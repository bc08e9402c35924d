/**
 * The daily digest of a region for its work-group robots, as markdown both
 * WeCom and DingTalk render: counts, then the top items with links to the UI.
 */
export interface DigestItem {
  id: string;
  institution: string;
  title: string;
  severity: 'general' | 'major';
  deadline: string;
  overdue: boolean;
}

export interface RegionDigest {
  regionCode: string;
  regionName: string;
  asOf: string;
  newFindings: number;
  newlyOverdue: number;
  dueSoon: number;
  escalations: number;
  overdueTotal: number;
  top: DigestItem[];
}

/** Whether the digest has news (a day with none sends no message). */
export function hasNews(d: RegionDigest): boolean {
  return d.newFindings + d.newlyOverdue + d.dueSoon + d.escalations > 0;
}

export function digestTitle(d: RegionDigest): string {
  return `隐患排查日报 · ${d.regionName} · ${d.asOf}`;
}

const clip = (text: string, n: number) => (text.length > n ? `${text.slice(0, n)}…` : text).replace(/[[\]\n\r]/g, ' ');

export function digestMarkdown(d: RegionDigest, reminderDays: number, publicBaseUrl: string | undefined): string {
  const lines = [
    `### ${digestTitle(d)}`,
    `- 新发现隐患：**${d.newFindings}** 项`,
    `- 新逾期隐患：**${d.newlyOverdue}** 项`,
    `- ${reminderDays} 天内到期：**${d.dueSoon}** 项`,
    `- 重大隐患逾期升级至本级：**${d.escalations}** 项`,
    `- 目前逾期未整改合计：**${d.overdueTotal}** 项`,
  ];
  if (d.top.length > 0) {
    lines.push('', '**重点事项**');
    d.top.forEach((item, i) => {
      const grade = item.severity === 'major' ? '【重大】' : '';
      const state = item.overdue ? `已逾期（期限 ${item.deadline}）` : `期限 ${item.deadline}`;
      const link = publicBaseUrl ? ` [查看](${publicBaseUrl}/#/finding/${item.id})` : '';
      lines.push(`${i + 1}. ${grade}${clip(item.institution, 30)}：${clip(item.title, 40)}，${state}${link}`);
    });
  }
  if (publicBaseUrl) lines.push('', `[打开排查系统](${publicBaseUrl}/#/findings)`);
  return lines.join('\n');
}

export function testMarkdown(regionName: string, at: string): string {
  return `### 排查系统测试消息\n${regionName}的工作群机器人已连通（${at}）。每日整改汇总将发送到本群。`;
}
