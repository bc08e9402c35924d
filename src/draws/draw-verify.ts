/**
 * Recomputes an exported draw (GET /rounds/:id/draw/export) and names the first
 * difference. Pure, like draw-algorithm.ts: the stand-alone verifier and the
 * service's GET …/draw/verify share it.
 */
import { DRAW_ALGORITHM, runDraw, type DrawInput, type DrawResult, type DrawSelection } from './draw-algorithm.js';

/** The published JSON: the inputs of the draw and the result to check them against. */
export interface DrawExport extends DrawInput {
  result: Pick<DrawResult, 'population' | 'strata'> & { selected: DrawSelection[] };
}

export type VerifyOutcome = { ok: true; recomputed: DrawResult } | { ok: false; difference: string; recomputed: DrawResult | null };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first reason the JSON is not a draw export, if any. */
export function shapeError(json: unknown): string | null {
  if (!isObject(json)) return 'the file is not a JSON object';
  if (json.algorithm !== DRAW_ALGORITHM) return `algorithm: expected ${DRAW_ALGORITHM}, found ${JSON.stringify(json.algorithm)}`;
  if (typeof json.seed !== 'string' || json.seed.length === 0) return 'seed: missing';
  const p = json.parameters;
  if (!isObject(p)) return 'parameters: missing';
  if ((p.ratio === null) === (p.count === null)) return 'parameters: exactly one of ratio and count must be given';
  if (!Array.isArray(p.stratifyBy) || !Number.isInteger(p.minPerStratum) || !Number.isInteger(p.inspectorsPerInspection)) {
    return 'parameters: stratifyBy, minPerStratum or inspectorsPerInspection missing';
  }
  for (const list of ['population', 'pool', 'recusals'] as const) if (!Array.isArray(json[list])) return `${list}: missing`;
  for (const [i, m] of (json.population as unknown[]).entries()) {
    if (!isObject(m) || ['id', 'type', 'regionCode', 'regionPath'].some((k) => typeof m[k] !== 'string'))
      return `population[${i}]: needs id, type, regionCode, regionPath`;
  }
  for (const [i, m] of (json.pool as unknown[]).entries()) {
    if (!isObject(m) || typeof m.id !== 'string' || typeof m.regionCode !== 'string') return `pool[${i}]: needs id, regionCode`;
  }
  for (const [i, m] of (json.recusals as unknown[]).entries()) {
    if (!isObject(m) || typeof m.inspectorId !== 'string' || typeof m.institutionId !== 'string')
      return `recusals[${i}]: needs inspectorId, institutionId`;
  }
  const r = json.result;
  if (!isObject(r) || !isObject(r.population) || !Array.isArray(r.strata) || !Array.isArray(r.selected))
    return 'result: needs population, strata, selected';
  return null;
}

function firstDifference(path: string, expected: unknown, recorded: unknown): string | null {
  if (Array.isArray(expected)) {
    if (!Array.isArray(recorded)) return `${path}: expected a list, recorded ${JSON.stringify(recorded)}`;
    for (let i = 0; i < Math.max(expected.length, recorded.length); i++) {
      if (i >= recorded.length) return `${path}[${i}]: expected ${JSON.stringify(expected[i])}, recorded nothing`;
      if (i >= expected.length) return `${path}[${i}]: expected nothing, recorded ${JSON.stringify(recorded[i])}`;
      const d = firstDifference(`${path}[${i}]`, expected[i], recorded[i]);
      if (d) return d;
    }
    return null;
  }
  if (isObject(expected)) {
    if (!isObject(recorded)) return `${path}: expected an object, recorded ${JSON.stringify(recorded)}`;
    for (const key of Object.keys(expected)) {
      const d = firstDifference(`${path}.${key}`, expected[key], recorded[key]);
      if (d) return d;
    }
    return null;
  }
  return expected === recorded ? null : `${path}: expected ${JSON.stringify(expected)}, recorded ${JSON.stringify(recorded)}`;
}

/** Recomputes the draw from the export's inputs and compares it with the export's result, field by field, in order. */
export function verifyExport(json: unknown): VerifyOutcome {
  const shape = shapeError(json);
  if (shape) return { ok: false, difference: shape, recomputed: null };
  const input = json as DrawExport;
  const recomputed = runDraw(input);
  const expected = {
    population: recomputed.population,
    strata: recomputed.strata,
    selected: recomputed.selected.map((s) => ({ institutionId: s.institutionId, stratum: s.stratum, inspectorIds: s.inspectorIds })),
  };
  const difference = firstDifference('result', expected, input.result);
  return difference ? { ok: false, difference, recomputed } : { ok: true, recomputed };
}
