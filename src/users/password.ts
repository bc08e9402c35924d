import { hash, verify } from '@node-rs/argon2';
import { PASSWORD_RULES } from '../common/password-rules.js';

export const MIN_PASSWORD_LENGTH = 8;

/** argon2id (the library's default algorithm) with its recommended parameters. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verified against when the username is unknown, so both failures take the same time.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  const target = passwordHash ?? (await (dummyHash ??= hash('paicha-timing-equalizer')));
  try {
    const ok = await verify(target, password);
    return ok && passwordHash !== undefined;
  } catch {
    return false;
  }
}

/** Whether the password is one of the earlier ones (their argon2 hashes, newest first). */
export async function isRecentPassword(password: string, hashes: string[]): Promise<boolean> {
  for (const hash of hashes.slice(0, PASSWORD_RULES.history)) if (await verifyPassword(hash, password)) return true;
  return false;
}
