/**
 * paicha-draw-v1: the 双随机 draw as a pure function of its inputs, written
 * down step by step in docs/draw.md. This file imports nothing but node:crypto,
 * so the stand-alone verifier (scripts/draw-verify.mjs) runs the very same code.
 * NEVER change what v1 computes: a new behaviour is a new algorithm name.
 */
import { createHash, createHmac } from 'node:crypto';

export const DRAW_ALGORITHM = 'paicha-draw-v1';

export type StratumDimension = 'type' | 'county';

/** One institution of the population. `regionPath` is `/520000/522600/522633/` (every ancestor code, then its own). */
export interface PopulationMember {
  id: string;
  type: string;
  regionCode: string;
  regionPath: string;
}

/** One inspector of the pool: it covers an institution whose `regionPath` contains `/<regionCode>/`. */
export interface PoolMember {
  id: string;
  regionCode: string;
}

export interface Recusal {
  inspectorId: string;
  institutionId: string;
}

export interface DrawParameters {
  /** Exactly one of ratio and count. */
  ratio: number | null;
  count: number | null;
  stratifyBy: StratumDimension[];
  minPerStratum: number;
  inspectorsPerInspection: number;
}

/** Everything the draw depends on: the JSON an outsider needs (GET …/draw/export adds the result to check against). */
export interface DrawInput {
  algorithm: string;
  seed: string;
  parameters: DrawParameters;
  population: PopulationMember[];
  pool: PoolMember[];
  recusals: Recusal[];
}

export interface DrawSelection {
  institutionId: string;
  stratum: string;
  inspectorIds: string[];
}

export interface DrawResult {
  algorithm: string;
  seed: string;
  population: { count: number; sha256: string };
  strata: { key: string; population: number; selected: number }[];
  selected: DrawSelection[];
  /** Selected institutions with fewer than `inspectorsPerInspection` eligible inspectors (the draw is then refused). */
  understaffed: { institutionId: string; eligible: number }[];
}

/** Ratios are taken in millionths, so quotas are integer arithmetic (0.07 × 100 is 7, not 7.000000000000001). */
export const RATIO_SCALE = 1_000_000;

/** Code-unit order, the same in every JavaScript engine and locale. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Canonical JSON: object keys sorted by code units, no whitespace, strings and numbers as JSON.stringify writes them. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => compareCodeUnits(a, b));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Step 1: the population sorted by id, each member with exactly its four fields. */
export function canonicalPopulation(population: PopulationMember[]): PopulationMember[] {
  return population
    .map((m) => ({ id: m.id, type: m.type, regionCode: m.regionCode, regionPath: m.regionPath }))
    .sort((a, b) => compareCodeUnits(a.id, b.id));
}

/** Step 2: SHA-256 (hex) of the UTF-8 canonical JSON of the canonical population. */
export function populationSha256(population: PopulationMember[]): string {
  return createHash('sha256')
    .update(canonicalJson(canonicalPopulation(population)), 'utf8')
    .digest('hex');
}

/** The keyed hash of every ranking: HMAC-SHA256, key = the seed's UTF-8 bytes, message = UTF-8 text; lower-case hex. */
export function keyedHash(seed: string, message: string): string {
  return createHmac('sha256', Buffer.from(seed, 'utf8')).update(message, 'utf8').digest('hex');
}

/** The county of an institution: the first six digits of its region code (a township's county; a county or city itself). */
export function countyOf(regionCode: string): string {
  return regionCode.slice(0, 6);
}

/** Step 3: the stratum key: the chosen dimensions in the fixed order type, county, joined by `/`; `*` when not stratified. */
export function stratumKey(member: PopulationMember, stratifyBy: StratumDimension[]): string {
  const parts: string[] = [];
  if (stratifyBy.includes('type')) parts.push(member.type);
  if (stratifyBy.includes('county')) parts.push(countyOf(member.regionCode));
  return parts.length === 0 ? '*' : parts.join('/');
}

/** Step 4: the quota of every stratum (sizes by key, keys in code-unit order). */
export function quotas(sizes: Map<string, number>, parameters: DrawParameters): Map<string, number> {
  const keys = [...sizes.keys()].sort(compareCodeUnits);
  const out = new Map<string, number>();
  const floor = (s: number) => Math.min(s, Math.max(0, parameters.minPerStratum));
  if (parameters.ratio !== null) {
    const r = Math.max(1, Math.min(RATIO_SCALE, Math.round(parameters.ratio * RATIO_SCALE)));
    for (const key of keys) {
      const n = sizes.get(key) as number;
      // ⌈r·n ÷ 10⁶⌉ in integers
      out.set(key, Math.min(n, Math.max(floor(n), Math.floor((r * n + RATIO_SCALE - 1) / RATIO_SCALE))));
    }
    return out;
  }
  const total = keys.reduce((sum, k) => sum + (sizes.get(k) as number), 0);
  const wanted = Math.min(Math.max(0, parameters.count ?? 0), total);
  let given = 0;
  const remainders: { key: string; remainder: number }[] = [];
  for (const key of keys) {
    const n = sizes.get(key) as number;
    const base = total === 0 ? 0 : Math.floor((wanted * n) / total);
    out.set(key, base);
    given += base;
    remainders.push({ key, remainder: total === 0 ? 0 : (wanted * n) % total });
  }
  remainders.sort((a, b) => b.remainder - a.remainder || compareCodeUnits(a.key, b.key));
  for (let i = 0; i < wanted - given; i++) out.set(remainders[i].key, (out.get(remainders[i].key) as number) + 1);
  for (const key of keys) out.set(key, Math.max(out.get(key) as number, floor(sizes.get(key) as number)));
  return out;
}

/** Whether an inspector covers an institution (its region is the institution's region or above it). */
export function covers(inspector: PoolMember, institution: PopulationMember): boolean {
  return institution.regionPath.includes(`/${inspector.regionCode}/`);
}

/**
 * The load bound of step 7: ⌈selected × k ÷ pool⌉. Least-loaded-first keeps every load within it whenever each
 * inspector of the pool covers every selected institution; with regional limits it is the aim, not a guarantee.
 */
export function loadCap(selected: number, k: number, eligiblePool: number): number {
  return eligiblePool === 0 ? 0 : Math.ceil((selected * k) / eligiblePool);
}

/** The whole draw, steps 1 to 8 of docs/draw.md. */
export function runDraw(input: DrawInput): DrawResult {
  const { seed, parameters } = input;
  const population = canonicalPopulation(input.population);
  const sha256 = populationSha256(population);

  // steps 3–5: strata, quotas, and the ranking inside each stratum
  const strata = new Map<string, PopulationMember[]>();
  for (const member of population) {
    const key = stratumKey(member, parameters.stratifyBy);
    const list = strata.get(key);
    if (list) list.push(member);
    else strata.set(key, [member]);
  }
  const quota = quotas(new Map([...strata].map(([k, v]) => [k, v.length])), parameters);
  const keys = [...strata.keys()].sort(compareCodeUnits);
  const chosen: { member: PopulationMember; stratum: string }[] = [];
  for (const key of keys) {
    const ranked = (strata.get(key) as PopulationMember[])
      .map((member) => ({ member, h: keyedHash(seed, `${key}|${member.id}`) }))
      .sort((a, b) => compareCodeUnits(a.h, b.h) || compareCodeUnits(a.member.id, b.member.id));
    for (const { member } of ranked.slice(0, quota.get(key))) chosen.push({ member, stratum: key });
  }

  // step 6: the eligible inspectors of each selected institution
  const pool = [...input.pool].sort((a, b) => compareCodeUnits(a.id, b.id));
  const recused = new Set(input.recusals.map((r) => `${r.inspectorId}|${r.institutionId}`));
  const k = parameters.inspectorsPerInspection;
  const eligible = new Map<string, PoolMember[]>();
  const understaffed: { institutionId: string; eligible: number }[] = [];
  for (const { member } of chosen) {
    const list = pool.filter((p) => covers(p, member) && !recused.has(`${p.id}|${member.id}`));
    eligible.set(member.id, list);
    if (list.length < k) understaffed.push({ institutionId: member.id, eligible: list.length });
  }
  understaffed.sort((a, b) => compareCodeUnits(a.institutionId, b.institutionId));

  // step 7: inspectors, most constrained institution first, each time the k least loaded eligible (ties by keyed hash)
  const assigned = new Map<string, string[]>();
  if (understaffed.length === 0) {
    const load = new Map<string, number>();
    const order = chosen
      .map(({ member }) => ({
        id: member.id,
        n: (eligible.get(member.id) as PoolMember[]).length,
        h: keyedHash(seed, `assign|${member.id}`),
      }))
      .sort((a, b) => a.n - b.n || compareCodeUnits(a.h, b.h) || compareCodeUnits(a.id, b.id));
    for (const { id } of order) {
      const picks = (eligible.get(id) as PoolMember[])
        .map((p) => ({ id: p.id, load: load.get(p.id) ?? 0, h: keyedHash(seed, `${id}|${p.id}`) }))
        .sort((a, b) => a.load - b.load || compareCodeUnits(a.h, b.h) || compareCodeUnits(a.id, b.id))
        .slice(0, k)
        .map((p) => p.id);
      for (const p of picks) load.set(p, (load.get(p) ?? 0) + 1);
      assigned.set(id, picks);
    }
  }

  // step 8: the result, in stratum order then rank order
  return {
    algorithm: DRAW_ALGORITHM,
    seed,
    population: { count: population.length, sha256 },
    strata: keys.map((key) => ({ key, population: (strata.get(key) as PopulationMember[]).length, selected: quota.get(key) as number })),
    selected: chosen.map(({ member, stratum }) => ({ institutionId: member.id, stratum, inspectorIds: assigned.get(member.id) ?? [] })),
    understaffed,
  };
}
