import { randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/**
 * The second factor: TOTP (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps,
 * what every authenticator app reads) through `otpauth`, and recovery codes.
 */

/** Shown as the account's issuer in the authenticator app. */
export const TOTP_ISSUER = '民政安全排查';
const PERIOD = 30;

function totpOf(base32: string, username = ''): TOTP {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label: username,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD,
    secret: Secret.fromBase32(base32),
  });
}

/** A new random secret (160 bits, base32), and its otpauth:// URL for the QR code. */
export function newTotpSecret(username: string): { secret: string; otpauthUrl: string } {
  const secret = new Secret({ size: 20 }).base32;
  return { secret, otpauthUrl: totpOf(secret, username).toString() };
}

/**
 * The time step a code is good for (the current one, or one step either side
 * for clock drift), or null. A step at or before `lastStep` was already used:
 * refused, so a code seen over a shoulder or in a log cannot be replayed.
 */
export function acceptedStep(base32: string, code: string, lastStep: number | null, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const totp = totpOf(base32);
  const delta = totp.validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return null;
  const step = totp.counter({ timestamp: now }) + delta;
  return lastStep !== null && step <= lastStep ? null : step;
}

/** A code of the authenticator (six digits); anything else given as `totp` is tried as a recovery code. */
export function isTotpCode(value: string): boolean {
  return /^\d{6}$/.test(value.trim());
}

// no 0/O, 1/I/L: read off paper
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten single-use recovery codes, `xxxxx-xxxxx` (about 49 bits each). */
export function newRecoveryCodes(count = 10): string[] {
  const part = () => Array.from({ length: 5 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
  return Array.from({ length: count }, () => `${part()}-${part()}`);
}

/** A recovery code as typed (any case, spaces, with or without the dash) in its stored form. */
export function normalizeRecoveryCode(value: string): string {
  const plain = value.toLowerCase().replace(/[\s-]/g, '');
  return plain.length === 10 ? `${plain.slice(0, 5)}-${plain.slice(5)}` : plain;
}
