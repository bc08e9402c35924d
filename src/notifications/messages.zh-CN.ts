/** The text of notifications, in Simplified Chinese (what institution heads and bureau staff read). */

export interface FindingSummary {
  title: string;
  severity: 'general' | 'major';
  deadline: string;
  institutionName?: string;
}

const grade = (severity: FindingSummary['severity']) => (severity === 'major' ? '重大事故隐患（挂牌督办）' : '一般事故隐患');

export function findingCreatedMessage(f: FindingSummary): string {
  return `检查发现${grade(f.severity)}：“${truncate(f.title)}”，请于 ${f.deadline} 前完成整改并上传整改材料。`;
}

function truncate(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
