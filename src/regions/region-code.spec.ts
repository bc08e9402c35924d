import { describe, expect, it } from '@jest/globals';
import { canBeParent, codesOfPath, levelOfCode, pathOf, significantPrefix } from './region-code.js';

describe('GB/T 2260 codes', () => {
  it.each([
    ['520000', 'province'],
    ['522600', 'city'],
    ['522633', 'county'],
    ['522633101', 'township'],
    ['110100', 'city'],
    ['429004', 'county'],
  ])('%s is a %s', (code, level) => {
    expect(levelOfCode(code)).toBe(level);
  });

  it('derives the significant prefix', () => {
    expect(significantPrefix('520000')).toBe('52');
    expect(significantPrefix('522600')).toBe('5226');
    expect(significantPrefix('522633')).toBe('522633');
    expect(significantPrefix('522633101')).toBe('522633101');
  });

  it('accepts only structural parents', () => {
    expect(canBeParent('520000', '522600')).toBe(true);
    expect(canBeParent('522600', '522633')).toBe(true);
    expect(canBeParent('420000', '429004')).toBe(true); // county directly under a province
    expect(canBeParent('522633', '522633101')).toBe(true);
    expect(canBeParent('510000', '522600')).toBe(false); // another province
    expect(canBeParent('441900', '441900003')).toBe(true); // township of a city without counties
    expect(canBeParent('520000', '520000101')).toBe(false); // township under a province
    expect(canBeParent('522633', '522600')).toBe(false); // upwards
    expect(canBeParent('522633', '522634')).toBe(false); // sibling
    expect(canBeParent('520000', '520000')).toBe(false);
  });

  it('builds and splits materialized paths', () => {
    expect(pathOf(null, '520000')).toBe('/520000/');
    expect(pathOf('/520000/', '522600')).toBe('/520000/522600/');
    expect(codesOfPath('/520000/522600/522633/')).toEqual(['520000', '522600', '522633']);
  });
});
