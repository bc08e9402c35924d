import { RegionLevel } from './region.entity.js';

/** GB/T 2260: 6 digits for province, city and county, 9 for townships. */
export const REGION_CODE_PATTERN = /^[0-9]{6}([0-9]{3})?$/;

export function levelOfCode(code: string): RegionLevel {
  if (code.length === 9) return RegionLevel.Township;
  if (code.endsWith('0000')) return RegionLevel.Province;
  if (code.endsWith('00')) return RegionLevel.City;
  return RegionLevel.County;
}

/** The digits every code below this one starts with: 520000 → 52, 522600 → 5226, 522633 → 522633. */
export function significantPrefix(code: string): string {
  switch (levelOfCode(code)) {
    case RegionLevel.Province:
      return code.slice(0, 2);
    case RegionLevel.City:
      return code.slice(0, 4);
    default:
      return code;
  }
}

const RANK: Record<RegionLevel, number> = {
  [RegionLevel.Province]: 0,
  [RegionLevel.City]: 1,
  [RegionLevel.County]: 2,
  [RegionLevel.Township]: 3,
};

/**
 * Whether `parent` can hold `child` in the division tree: a higher level whose
 * significant digits the child's code starts with. A county may sit directly
 * under a province (省直辖县级行政区划), a township under a county or under a
 * city that has no counties (东莞, 中山).
 */
export function canBeParent(parentCode: string, childCode: string): boolean {
  const parentLevel = levelOfCode(parentCode);
  const childLevel = levelOfCode(childCode);
  if (RANK[parentLevel] >= RANK[childLevel]) return false;
  if (childLevel === RegionLevel.Township && parentLevel === RegionLevel.Province) return false;
  if (childLevel === RegionLevel.City && parentLevel !== RegionLevel.Province) return false;
  return childCode.startsWith(significantPrefix(parentCode));
}

export function pathOf(parentPath: string | null, code: string): string {
  return `${parentPath ?? '/'}${code}/`;
}

export function codesOfPath(path: string): string[] {
  return path.split('/').filter((c) => c !== '');
}
