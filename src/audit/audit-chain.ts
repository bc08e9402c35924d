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

/** The algorithms of the chain: `sha256` (unkeyed, the events written before the chain was keyed) and the keyed ones. */
export const HASH_ALGORITHMS = ['sha256', 'hmac-sha256', 'hmac-sm3'] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

/** The unkeyed link of the events written before AUDIT_KEY: SHA-256(previous hash ‖ canonical JSON of this event's content), hex. */
export function chainHash(previousHash: string, content: AuditContent): string {
  return createHash('sha256').update(previousHash).update(canonicalJson(content)).digest('hex');
}

/**
 * A keyed link: HMAC under AUDIT_KEY (kept outside the database) over the
 * algorithm's name, the previous hash and the canonical JSON of the content.
 * Whoever can write the database but does not hold the key cannot rebuild a
 * consistent chain.
 */
export function keyedChainHash(
  hmac: (...parts: string[]) => string,
  algorithm: HashAlgorithm,
  previousHash: string,
  content: AuditContent,
): string {
  return hmac(algorithm, '\n', previousHash, '\n', canonicalJson(content));
}
