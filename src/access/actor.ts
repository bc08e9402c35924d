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
  /** The session the access token belongs to (logout ends it). */
  sessionId?: string;
  /**
   * The session may only change the password (set by someone else, or
   * expired) or only enrol a second factor (MFA_REQUIRED_ROLES): every other
   * route refuses it.
   */
  restriction?: 'password_change' | 'mfa_enrollment';
}
