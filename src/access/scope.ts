import type { Actor } from './actor.js';
import { Role } from './roles.js';
import { SqlParams } from '../common/sql-params.js';

export { SqlParams };

/**
 * Object scope as SQL, shared by every repository so that lists and single
 * reads use the same predicate and an out-of-scope row is never loaded.
 * Each function appends its parameters to `params` and returns a boolean SQL
 * expression over the given column(s).
 */
/** The region column lies in the actor's region subtree. */
export function regionInSubtree(regionPath: string, regionColumn: string, params: SqlParams): string {
  return `${regionColumn} IN (SELECT code FROM regions WHERE path LIKE ${params.add(`${regionPath}%`)})`;
}

/**
 * Rows of an institution-owned object visible to the actor: admin all; bureau
 * and inspector their region subtree; an institution head its own institution.
 */
export function institutionScope(actor: Actor, cols: { regionCode: string; institutionId: string }, params: SqlParams): string {
  switch (actor.role) {
    case Role.Admin:
      return 'TRUE';
    case Role.Bureau:
    case Role.Inspector:
      return actor.regionPath ? regionInSubtree(actor.regionPath, cols.regionCode, params) : 'FALSE';
    case Role.InstitutionHead:
      return actor.institutionId ? `${cols.institutionId} = ${params.add(actor.institutionId)}` : 'FALSE';
    default:
      return 'FALSE';
  }
}

/** Whether a region (by its path) is in the actor's region subtree; admin: everywhere. */
export function pathInActorSubtree(actor: Actor, path: string): boolean {
  if (actor.role === Role.Admin) return true;
  if (actor.role !== Role.Bureau && actor.role !== Role.Inspector) return false;
  return actor.regionPath !== null && path.startsWith(actor.regionPath);
}
