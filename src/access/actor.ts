import type { Role } from './roles.js';

/**
 * The authenticated user of a request, with what scope checks need: the
 * materialized path of its region (bureau, inspector) or its institution (head).
 */
export interface Actor {
  id: string;
  username: string;
  role: Role;
  regionCode: string | null;
  /** `/520000/522600/` — the region's materialized path; subtree = paths with this prefix. */
  regionPath: string | null;
  institutionId: string | null;
  /** The token was given for a password change only (set by someone else, or expired): every other route refuses it. */
  passwordChangeOnly?: true;
}
