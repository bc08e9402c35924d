import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

export const GENESIS_HASH = '0'.repeat(64);

/** The hashed content of an event: everything but the hash itself. */
export interface AuditContent {
  seq: number;
  at: string;
  actorId: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  regionCode: string | null;
  data: Record<string, unknown>;
}

/** hash = SHA-256(previous hash ‖ canonical JSON of this event's content), hex. */
export function chainHash(previousHash: string, content: AuditContent): string {
  return createHash('sha256').update(previousHash).update(canonicalJson(content)).digest('hex');
}
