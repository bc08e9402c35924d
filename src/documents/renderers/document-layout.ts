/**
 * What a document says, independent of its format: the PDF and the DOCX
 * renderers draw the same layout, so both carry the same facts.
 */
export interface DocumentLayout {
  title: string;
  number: string;
  issuerName: string;
  /** "从江县社会福利院：" */
  addressee: string;
  /** Label/value lines under the addressee (被检查单位, 检查时间, ...). */
  facts: [label: string, value: string][];
  intro: string;
  /** The numbered list: each item's lines (problem, basis, deadline or outcome). */
  items: string[][];
  paragraphs: string[];
  /** Signature lines for the two inspectors and the unit's head. */
  signatures: string[];
  issuedOnText: string;
  verify: { code: string; url: string | null; qrPng: Buffer | null };
  receipt: { title: string; rows: [label: string, value: string][] };
}

export interface PrintedFinding {
  title: string;
  description: string;
  severity: 'general' | 'major';
  basis: string | null;
  deadline: string;
}

export interface LayoutInput {
  number: string;
  issuerName: string;
  institutionName: string;
  issuedOn: string;
  verify: DocumentLayout['verify'];
}

/** 2026-06-16 → 2026年6月16日 (no leading zeros, as printed on official documents). */
export function cnDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

const SIGNATURES = [
  '检查人员（签名）：＿＿＿＿＿＿＿＿　　执法证号：＿＿＿＿＿＿＿＿',
  '检查人员（签名）：＿＿＿＿＿＿＿＿　　执法证号：＿＿＿＿＿＿＿＿',
];
const HEAD_SIGNATURE = '被检查单位负责人（签收）：＿＿＿＿＿＿＿＿　　　　年　　月　　日';

const REMEDIES =
  '如不服本通知，可以依法在60日内向本级人民政府或者上一级民政部门申请行政复议，或者在6个月内依法向人民法院提起行政诉讼，' +
  '但本通知不停止执行，法律另有规定的除外。';

function problemLines(f: PrintedFinding): string[] {
  const lines = [`${f.severity === 'major' ? '【重大事故隐患】' : ''}${f.title}${f.description ? `（${f.description}）` : ''}`];
  if (f.basis) lines.push(`依据：${f.basis}`);
  return lines;
}

function receipt(input: LayoutInput, title: string): DocumentLayout['receipt'] {
  return {
    title: '送达回执',
    rows: [
      ['送达文书名称及文号', `${title}　${input.number}`],
      ['受送达单位', input.institutionName],
      ['送达地点', ''],
      ['送达方式', '直接送达 / 留置送达 / 邮寄送达'],
      ['收件人（签名）', ''],
      ['送达日期', '　　年　　月　　日'],
      ['送达人（签名）', ''],
      ['备注', ''],
    ],
  };
}

export function rectificationNoticeLayout(
  input: LayoutInput & { inspectedOn: string; roundName: string; findings: PrintedFinding[] },
): DocumentLayout {
  const title = '责令限期整改通知书';
  return {
    title,
    number: input.number,
    issuerName: input.issuerName,
    addressee: `${input.institutionName}：`,
    facts: [
      ['被检查单位', input.institutionName],
      ['检查时间', cnDate(input.inspectedOn)],
      ['检查名称', input.roundName],
    ],
    intro: `${input.issuerName}于${cnDate(input.inspectedOn)}对你单位进行了安全隐患排查检查。经查，你单位存在下列问题：`,
    items: input.findings.map((f) => [...problemLines(f), `整改期限：于${cnDate(f.deadline)}前整改完毕。`]),
    paragraphs: [
      '现责令你单位对上述问题按所列期限整改完毕，达到有关法律法规规章和标准规定的要求。整改期间应当采取必要的安全防范措施，防止事故发生。' +
        '整改完成后，请将整改情况及证明材料报送本机关申请复查。逾期不整改或者达不到要求的，依法依规处理；由此造成事故的，依法追究有关人员的责任。',
      REMEDIES,
    ],
    signatures: [...SIGNATURES, HEAD_SIGNATURE],
    issuedOnText: cnDate(input.issuedOn),
    verify: input.verify,
    receipt: receipt(input, title),
  };
}

export function recheckOpinionLayout(
  input: LayoutInput & { noticeNumber: string; noticeIssuedOn: string; findings: (PrintedFinding & { closed: boolean })[] },
): DocumentLayout {
  const title = '整改复查意见书';
  const open = input.findings.filter((f) => !f.closed).length;
  return {
    title,
    number: input.number,
    issuerName: input.issuerName,
    addressee: `${input.institutionName}：`,
    facts: [
      ['被复查单位', input.institutionName],
      ['原通知书', `${input.noticeNumber}（${cnDate(input.noticeIssuedOn)}）`],
    ],
    intro:
      `本机关于${cnDate(input.noticeIssuedOn)}作出了责令限期整改的决定（${input.noticeNumber}），` +
      '经对你单位整改情况进行复查，提出如下意见：',
    items: input.findings.map((f) => [
      ...problemLines(f),
      `整改期限：${cnDate(f.deadline)}　复查结论：${f.closed ? '已整改销号' : '未按期整改'}`,
    ]),
    paragraphs: [
      open === 0
        ? '经复查，上述问题均已整改合格，予以销号。'
        : `经复查，上述问题中${open}项未按期整改。你单位应当立即整改，整改期间采取有效的安全防范措施；本机关将依法依规处理。`,
    ],
    signatures: [...SIGNATURES, HEAD_SIGNATURE.replace('被检查单位', '被复查单位')],
    issuedOnText: cnDate(input.issuedOn),
    verify: input.verify,
    receipt: receipt(input, title),
  };
}

export function supervisionNoticeLayout(
  input: LayoutInput & { finding: PrintedFinding; foundOn: string; planDueOn: string },
): DocumentLayout {
  const title = '重大事故隐患挂牌督办通知书';
  const f = input.finding;
  return {
    title,
    number: input.number,
    issuerName: input.issuerName,
    addressee: `${input.institutionName}：`,
    facts: [
      ['治理责任单位', input.institutionName],
      ['发现时间', cnDate(input.foundOn)],
    ],
    intro: '经检查，你单位存在下列重大事故隐患：',
    items: [problemLines(f)],
    paragraphs: [
      `根据有关规定，本机关决定对该重大事故隐患实施挂牌督办，责令你单位于${cnDate(f.deadline)}前将该事故隐患治理完毕。治理期间你单位应当做到：`,
      `一、由主要负责人组织制定隐患治理方案（治理的目标和任务、方法和措施、经费和物资、负责治理的机构和人员、时限和要求、安全措施和应急预案），于${cnDate(input.planDueOn)}前报送本机关。`,
      '二、每月向本机关书面报告治理进展情况。',
      '三、治理期间落实安全防范和监控措施，无法保证安全的，应当从危险区域内撤出人员、停止使用相关设施设备。',
      '四、治理完成后，向本机关提交治理验收（销号）申请及整改证明材料，经本机关组织现场验收合格后予以销号；确因特殊情况不能按期完成的，应当在期限届满15个工作日前书面申请延期。',
      REMEDIES,
    ],
    signatures: [...SIGNATURES, HEAD_SIGNATURE.replace('被检查单位负责人', '治理责任单位主要负责人')],
    issuedOnText: cnDate(input.issuedOn),
    verify: input.verify,
    receipt: receipt(input, title),
  };
}

/** The verification line printed under the QR code (or instead of it). */
export function verifyLine(verify: DocumentLayout['verify']): string {
  return verify.url ? `扫码或访问 ${verify.url} 核验本文书真伪` : `核验码：${verify.code}（本系统未配置公开访问地址，未附核验二维码）`;
}
