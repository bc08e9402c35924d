import type { DocumentKind } from './document.entity.js';

export const KIND_TITLES: Record<DocumentKind, string> = {
  rectification_notice: '责令限期整改通知书',
  recheck_opinion: '整改复查意见书',
  supervision_notice: '重大事故隐患挂牌督办通知书',
};

const DEFAULT_CODES: Record<DocumentKind, string> = {
  rectification_notice: '民安整',
  recheck_opinion: '民安复',
  supervision_notice: '民安督',
};

export interface DocumentSettings {
  regionCode: string;
  issuerName: string;
  prefixes: Record<DocumentKind, string>;
}

/** Defaults: 从江县 → issuer 从江县民政局, prefixes 从民安整 / 从民安复 / 从民安督. */
export function defaultSettings(region: { code: string; name: string }): DocumentSettings {
  const short = [...region.name][0] ?? '';
  return {
    regionCode: region.code,
    issuerName: `${region.name}民政局`,
    prefixes: {
      rectification_notice: `${short}${DEFAULT_CODES.rectification_notice}`,
      recheck_opinion: `${short}${DEFAULT_CODES.recheck_opinion}`,
      supervision_notice: `${short}${DEFAULT_CODES.supervision_notice}`,
    },
  };
}

/** GB/T 9704 7.2.5: 代字〔年份〕顺序号号, the year in full inside 六角括号, no 第, no leading zeros. */
export function documentNumber(prefix: string, year: number, serial: number): string {
  return `${prefix}〔${year}〕${serial}号`;
}
