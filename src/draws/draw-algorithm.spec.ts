import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  canonicalJson,
  covers,
  loadCap,
  populationSha256,
  quotas,
  runDraw,
  type DrawInput,
  type DrawParameters,
  type PopulationMember,
} from './draw-algorithm.js';
import { verifyExport } from './draw-verify.js';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const CJ = '/520000/522600/522633/';
const LP = '/520000/522600/522631/';

/** The worked example of docs/draw.md: its numbers are pinned here, so v1 can never change unnoticed. */
const EXAMPLE: DrawInput = {
  algorithm: 'paicha-draw-v1',
  seed: 'example-seed',
  parameters: { ratio: 0.5, count: null, stratifyBy: ['county'], minPerStratum: 0, inspectorsPerInspection: 2 },
  population: [
    { id: id(4), type: 'community_elderly', regionCode: '522633', regionPath: CJ },
    { id: id(1), type: 'elderly_care', regionCode: '522633', regionPath: CJ },
    { id: id(2), type: 'elderly_care', regionCode: '522633', regionPath: CJ },
    { id: id(3), type: 'elderly_care', regionCode: '522633101', regionPath: `${CJ}522633101/` },
    { id: id(5), type: 'elderly_care', regionCode: '522631', regionPath: LP },
    { id: id(6), type: 'elderly_care', regionCode: '522631', regionPath: LP },
    { id: id(7), type: 'community_elderly', regionCode: '522631', regionPath: LP },
  ],
  pool: [
    { id: id(101), regionCode: '522633' },
    { id: id(102), regionCode: '522633' },
    { id: id(103), regionCode: '522631' },
    { id: id(104), regionCode: '522631' },
    { id: id(105), regionCode: '522600' },
  ],
  recusals: [{ inspectorId: id(105), institutionId: id(5) }],
};

const params = (p: Partial<DrawParameters>): DrawParameters => ({
  ratio: null,
  count: null,
  stratifyBy: [],
  minPerStratum: 0,
  inspectorsPerInspection: 2,
  ...p,
});

describe('paicha-draw-v1', () => {
  it('gives the worked example of docs/draw.md exactly', () => {
    const r = runDraw(EXAMPLE);
    expect(r.population).toEqual({ count: 7, sha256: 'ff380e1794ea795ee48b2845724e786e1f61d71ab5f4164e604cb60f5c7a263e' });
    expect(r.strata).toEqual([
      { key: '522631', population: 3, selected: 2 },
      { key: '522633', population: 4, selected: 2 },
    ]);
    expect(r.selected).toEqual([
      { institutionId: id(5), stratum: '522631', inspectorIds: [id(104), id(103)] },
      { institutionId: id(7), stratum: '522631', inspectorIds: [id(105), id(103)] },
      { institutionId: id(3), stratum: '522633', inspectorIds: [id(102), id(101)] },
      { institutionId: id(2), stratum: '522633', inspectorIds: [id(105), id(102)] },
    ]);
    expect(r.understaffed).toEqual([]);
  });

  it('hashes the population canonically: order and extra fields do not matter, one changed field does', () => {
    const shuffled = [...EXAMPLE.population].reverse().map((m) => ({ ...m, name: 'ignored' }));
    expect(populationSha256(shuffled)).toBe(populationSha256(EXAMPLE.population));
    const changed = EXAMPLE.population.map((m, i) => (i === 2 ? { ...m, regionCode: '522631' } : m));
    expect(populationSha256(changed)).not.toBe(populationSha256(EXAMPLE.population));
    expect(canonicalJson({ b: 1, a: [true, null, '从江'] })).toBe('{"a":[true,null,"从江"],"b":1}');
  });

  it('computes quotas in integers: ceil of the ratio, at least minPerStratum, at most the stratum', () => {
    const sizes = new Map([
      ['a', 100],
      ['b', 3],
      ['c', 1],
    ]);
    // 0.07 × 100 is 7.000000000000001 in floating point: the quota is still 7
    expect(quotas(sizes, params({ ratio: 0.07 }))).toEqual(
      new Map([
        ['a', 7],
        ['b', 1],
        ['c', 1],
      ]),
    );
    expect(quotas(sizes, params({ ratio: 0.07, minPerStratum: 2 }))).toEqual(
      new Map([
        ['a', 7],
        ['b', 2],
        ['c', 1],
      ]),
    );
    expect(quotas(sizes, params({ ratio: 1 }))).toEqual(sizes);
    expect(quotas(new Map([['a', 20]]), params({ ratio: 0.05 }))).toEqual(new Map([['a', 1]]));
    expect(quotas(new Map([['a', 21]]), params({ ratio: 0.05 }))).toEqual(new Map([['a', 2]]));
  });

  it('splits a count by largest remainder, ties by stratum key', () => {
    // 10 over 5/5/5: 3.33 each, the one left goes to the first key
    expect(
      quotas(
        new Map([
          ['c', 5],
          ['a', 5],
          ['b', 5],
        ]),
        params({ count: 10 }),
      ),
    ).toEqual(
      new Map([
        ['a', 4],
        ['b', 3],
        ['c', 3],
      ]),
    );
    // 5 over 12/6: 3.33 and 1.67 → 3 + 2
    expect(
      quotas(
        new Map([
          ['x', 12],
          ['y', 6],
        ]),
        params({ count: 5 }),
      ),
    ).toEqual(
      new Map([
        ['x', 3],
        ['y', 2],
      ]),
    );
    // more than there are → all
    expect(
      quotas(
        new Map([
          ['x', 2],
          ['y', 1],
        ]),
        params({ count: 50 }),
      ),
    ).toEqual(
      new Map([
        ['x', 2],
        ['y', 1],
      ]),
    );
  });

  it('lists institutions with too few eligible inspectors and assigns nobody then', () => {
    const r = runDraw({ ...EXAMPLE, parameters: { ...EXAMPLE.parameters, ratio: 1, inspectorsPerInspection: 3 } });
    expect(r.understaffed).toEqual([{ institutionId: id(5), eligible: 2 }]);
    expect(r.selected.every((s) => s.inspectorIds.length === 0)).toBe(true);
  });

  it('draws every institution of a stratum with frequency quota/size, within 5σ over 2,000 seeds', () => {
    const population: PopulationMember[] = [];
    for (let i = 0; i < 30; i++)
      population.push({ id: id(1000 + i), type: i < 20 ? 'elderly_care' : 'funeral', regionCode: '522633', regionPath: CJ });
    const input: DrawInput = {
      algorithm: 'paicha-draw-v1',
      seed: '',
      parameters: params({ ratio: 0.15, stratifyBy: ['type'] }),
      population,
      pool: [],
      recusals: [],
    };
    const seeds = 2000;
    const hits = new Map<string, number>();
    let draws = 0;
    for (let s = 0; s < seeds; s++) {
      const r = runDraw({ ...input, seed: `stat-${s}` });
      // quotas: ⌈0.15·20⌉ = 3, ⌈0.15·10⌉ = 2
      expect(r.strata.map((x) => x.selected)).toEqual([3, 2]);
      for (const x of r.selected) hits.set(x.institutionId, (hits.get(x.institutionId) ?? 0) + 1);
      draws++;
    }
    let worst = 0;
    for (const [i, m] of population.entries()) {
      const p = i < 20 ? 3 / 20 : 2 / 10;
      const sigma = Math.sqrt(draws * p * (1 - p));
      const z = Math.abs((hits.get(m.id) ?? 0) - draws * p) / sigma;
      worst = Math.max(worst, z);
    }
    expect(worst).toBeLessThan(5);
  });

  it('holds its properties for random populations, pools and parameters (fast-check)', () => {
    const counties = ['522631', '522633', '522634'];
    const member = fc.record({
      type: fc.constantFrom('elderly_care', 'funeral', 'community_elderly'),
      county: fc.constantFrom(...counties),
    });
    const world = fc.record({
      members: fc.array(member, { minLength: 0, maxLength: 40 }),
      inspectors: fc.array(fc.constantFrom('522600', ...counties), { minLength: 0, maxLength: 12 }),
      recusalPairs: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 6 }),
      mode: fc.oneof(
        fc.record({ ratio: fc.double({ min: 0.000001, max: 1, noNaN: true }) }),
        fc.record({ count: fc.integer({ min: 1, max: 50 }) }),
      ),
      stratifyBy: fc.subarray(['type', 'county'] as ('type' | 'county')[]),
      minPerStratum: fc.integer({ min: 0, max: 4 }),
      k: fc.integer({ min: 2, max: 4 }),
      seed: fc.string({ minLength: 1, maxLength: 30 }),
    });
    fc.assert(
      fc.property(world, (w) => {
        const population = w.members.map((m, i) => ({
          id: id(i + 1),
          type: m.type,
          regionCode: m.county,
          regionPath: `/520000/522600/${m.county}/`,
        }));
        const pool = w.inspectors.map((code, i) => ({ id: id(500 + i), regionCode: code }));
        const recusals =
          population.length && pool.length
            ? w.recusalPairs.map(([a, b]) => ({
                inspectorId: pool[a % pool.length].id,
                institutionId: population[b % population.length].id,
              }))
            : [];
        const parameters = params({
          ratio: 'ratio' in w.mode ? w.mode.ratio : null,
          count: 'count' in w.mode ? w.mode.count : null,
          stratifyBy: w.stratifyBy,
          minPerStratum: w.minPerStratum,
          inspectorsPerInspection: w.k,
        });
        const input: DrawInput = { algorithm: 'paicha-draw-v1', seed: w.seed, parameters, population, pool, recusals };
        const r = runDraw(input);
        // deterministic, and the verifier agrees when there was a result to publish
        expect(JSON.stringify(runDraw({ ...input, population: [...population].reverse() }))).toBe(JSON.stringify(r));
        if (r.understaffed.length === 0) expect(verifyExport({ ...input, result: r }).ok).toBe(true);
        // quotas hold: per stratum exactly the quota, selected members really are of it
        const q = quotas(new Map(r.strata.map((s) => [s.key, s.population])), parameters);
        for (const s of r.strata) {
          expect(s.selected).toBe(q.get(s.key));
          expect(r.selected.filter((x) => x.stratum === s.key)).toHaveLength(s.selected);
          if (parameters.ratio !== null) {
            const share = (Math.round(parameters.ratio * 1e6) * s.population) / 1e6;
            expect(s.selected).toBe(Math.min(s.population, Math.max(parameters.minPerStratum, Math.ceil(share - 1e-9))));
          } else if (parameters.minPerStratum === 0) {
            expect(
              Math.abs(s.selected - (Math.min(parameters.count as number, population.length) * s.population) / population.length),
            ).toBeLessThan(1);
          }
        }
        if (parameters.count !== null) {
          const wanted = Math.min(parameters.count, population.length);
          if (parameters.minPerStratum === 0) expect(r.selected.length).toBe(wanted);
          else expect(r.selected.length).toBeGreaterThanOrEqual(wanted);
        }
        expect(new Set(r.selected.map((x) => x.institutionId)).size).toBe(r.selected.length);
        // inspectors: k distinct, covering, not recused; load within the bound when all cover all
        if (r.understaffed.length > 0) return;
        const recused = new Set(recusals.map((x) => `${x.inspectorId}|${x.institutionId}`));
        const byId = new Map(pool.map((p) => [p.id, p]));
        const at = new Map(population.map((m) => [m.id, m]));
        const load = new Map<string, number>();
        for (const x of r.selected) {
          expect(new Set(x.inspectorIds).size).toBe(w.k);
          for (const i of x.inspectorIds) {
            expect(covers(byId.get(i)!, at.get(x.institutionId)!)).toBe(true);
            expect(recused.has(`${i}|${x.institutionId}`)).toBe(false);
            load.set(i, (load.get(i) ?? 0) + 1);
          }
        }
        if (pool.every((p) => p.regionCode === '522600') && recusals.length === 0) {
          for (const n of load.values()) expect(n).toBeLessThanOrEqual(loadCap(r.selected.length, w.k, pool.length));
        }
      }),
      { numRuns: 300, seed: 20260601 },
    );
  });
});
