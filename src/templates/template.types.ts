import type { InstitutionType } from '../common/labels.zh-CN.js';

export const SEVERITIES = ['general', 'major'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const RESPONSE_TYPES = ['pass_fail', 'yes_no', 'number', 'text'] as const;
export type ResponseType = (typeof RESPONSE_TYPES)[number];

export interface TemplateItem {
  code: string;
  text: string;
  guidance?: string;
  basis?: string;
  severity: Severity;
  responseType: ResponseType;
  requiresPhotoOnFail: boolean;
  deadlineDays?: number;
  /** Official working days instead of calendar days; never together with deadlineDays. */
  deadlineWorkdays?: number;
}

export interface TemplateSection {
  code: string;
  title: string;
  items: TemplateItem[];
}

/** What a template says, without its identity: the part a content hash covers. */
export interface TemplateContent {
  name: string;
  description?: string;
  institutionTypes: InstitutionType[];
  sections: TemplateSection[];
}

export interface Template extends TemplateContent {
  id: string;
  code: string;
  version: number;
  /** The owning region; null = national. */
  regionCode: string | null;
  createdAt: string;
}
