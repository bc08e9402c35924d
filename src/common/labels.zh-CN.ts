/** Simplified Chinese labels of the codes users see. Chinese lives here and in data, not in logic. */

export const INSTITUTION_TYPES = [
  'elderly_care',
  'child_welfare',
  'minor_protection',
  'relief_station',
  'mental_health',
  'funeral',
  'community_elderly',
  'other',
] as const;

export type InstitutionType = (typeof INSTITUTION_TYPES)[number];

export const INSTITUTION_TYPE_LABELS: Record<InstitutionType, string> = {
  elderly_care: '养老机构',
  child_welfare: '儿童福利机构',
  minor_protection: '未成年人救助保护机构',
  relief_station: '救助管理机构',
  mental_health: '精神卫生福利机构',
  funeral: '殡葬服务机构',
  community_elderly: '社区养老服务设施',
  other: '其他',
};

/** A type given as its code or its Chinese name (as bureaus' spreadsheets write it). */
export function parseInstitutionType(value: string): InstitutionType | undefined {
  const v = value.trim();
  if ((INSTITUTION_TYPES as readonly string[]).includes(v)) return v as InstitutionType;
  const byLabel = (Object.entries(INSTITUTION_TYPE_LABELS) as [InstitutionType, string][]).find(([, label]) => label === v);
  return byLabel?.[0];
}

export const ROLE_LABELS = {
  admin: '系统管理员',
  security_admin: '安全管理员',
  auditor: '安全审计员',
  bureau: '民政局',
  inspector: '检查员',
  institution_head: '机构负责人',
} as const;

export const INSPECTION_STATUS_LABELS = { pending: '待检查', in_progress: '填写中', submitted: '已提交', missed: '逾期未检查' } as const;

export const FINDING_STATUS_LABELS = { open: '整改中', pending_verification: '待复核', closed: '已销号' } as const;

export const ROUND_KIND_LABELS = { self: '自查', supervisory: '督查' } as const;

export const SEVERITY_LABELS = { general: '一般隐患', major: '重大事故隐患' } as const;

export const RESULT_LABELS = { pass: '合格', fail: '不合格', na: '不涉及' } as const;

export const DOCUMENT_KIND_LABELS = {
  rectification_notice: '责令限期整改通知书',
  recheck_opinion: '整改复查意见书',
  supervision_notice: '重大事故隐患挂牌督办通知书',
} as const;

export const DOCUMENT_STATUS_LABELS = { issued: '已签发', served: '已送达', revoked: '已作废' } as const;

export const NOTIFICATION_KIND_LABELS = {
  finding_created: '新隐患',
  deadline_reminder: '到期提醒',
  overdue: '已逾期',
  escalation: '逾期升级',
  rectification_submitted: '待复核',
  rectification_rejected: '整改被退回',
  digest: '每日汇总',
} as const;

/** Every label map the thin UI shows, served to it as one module (`/labels.js`), so the UI copies none. */
export const UI_LABELS = {
  institutionTypes: INSTITUTION_TYPE_LABELS,
  roles: ROLE_LABELS,
  inspectionStatus: INSPECTION_STATUS_LABELS,
  findingStatus: FINDING_STATUS_LABELS,
  roundKinds: ROUND_KIND_LABELS,
  severities: SEVERITY_LABELS,
  results: RESULT_LABELS,
  documentKinds: DOCUMENT_KIND_LABELS,
  documentStatus: DOCUMENT_STATUS_LABELS,
  notificationKinds: NOTIFICATION_KIND_LABELS,
};
