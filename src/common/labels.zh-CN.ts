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
