import type { Actor } from '../access/actor.js';
import { Role } from '../access/roles.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { InspectionError } from './inspections.errors.js';

/**
 * Who may fill an inspection: ONE rule, kept here in its two forms side by
 * side — `fillRefusal` (in code, with the reason for the refusal) and
 * `mayFillSql` (the same predicate inside the one-statement save and the
 * offline list). test/fill-rule.e2e-spec.ts evaluates both on PostgreSQL for
 * every role, kind, assignment and state, so they cannot drift apart.
 */
/** What the rule reads of an inspection row (the repository's InspectionRow has it). */
export interface FillableRow {
  kind: 'self' | 'supervisory';
  status: string;
  version: number;
  assignee_id: string | null;
  assignee_ids: string[];
}

export const FILLER_OF = { supervisory: Role.Inspector, self: Role.InstitutionHead } as const satisfies Record<FillableRow['kind'], Role>;

/** The rule as code: whether the actor may fill the inspection at all (its role and, if assigned, the assignment). */
export function mayFill(actor: Actor, row: Pick<FillableRow, 'kind' | 'assignee_id' | 'assignee_ids'>): boolean {
  if (FILLER_OF[row.kind] !== actor.role) return false;
  // a supervisory inspection assigned to someone is theirs alone (any of its drawn assignees)
  return row.kind !== 'supervisory' || row.assignee_id === null || row.assignee_ids.includes(actor.id);
}

/** The rule as SQL over inspection `x`; `me` gives the placeholder of the actor's id (asked only if needed). */
export function mayFillSql(actor: Actor, me: () => string): string {
  const kinds = (Object.keys(FILLER_OF) as FillableRow['kind'][]).filter((kind) => FILLER_OF[kind] === actor.role);
  if (kinds.length === 0) return 'FALSE';
  return kinds
    .map((kind) =>
      kind === 'supervisory'
        ? `(x.kind = 'supervisory' AND (x.assignee_id IS NULL OR ${me()} = ANY(x.assignee_ids)))`
        : `x.kind = '${kind}'`,
    )
    .join(' OR ');
}

/**
 * Why this actor may not fill the inspection now, if not: 403 for the wrong
 * role or another inspector's assignment; 409 once submitted or missed, or
 * over a stale `If-Match`.
 */
export function fillRefusal(actor: Actor, row: FillableRow, ifMatch: number | undefined): DomainException | undefined {
  if (!mayFill(actor, row)) {
    if (FILLER_OF[row.kind] !== actor.role) {
      return new DomainException(
        InspectionError.NotYours,
        row.kind === 'supervisory'
          ? 'A supervisory inspection is filled by an inspector'
          : 'A self-check is filled by the head of the institution',
      );
    }
    return new DomainException(InspectionError.NotYours, 'This inspection is assigned to another inspector');
  }
  if (row.status === 'submitted' || row.status === 'missed') {
    return new DomainException(InspectionError.WrongState, `The inspection is ${row.status}`, { currentStatus: row.status });
  }
  if (ifMatch !== undefined && ifMatch !== row.version) {
    return new DomainException(InspectionError.StaleVersion, `The inspection is at version ${row.version}, not ${ifMatch}: reload it`, {
      currentVersion: row.version,
    });
  }
  return undefined;
}
