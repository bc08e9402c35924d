import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CryptoSuiteName } from '../config/config.js';

/**
 * The two cipher suites behind one interface (see docs/security.md):
 * - `intl`: SHA-256, HMAC-SHA-256, AES-256-GCM;
 * - `gm` (国密): SM3, HMAC-SM3, SM4-CBC then HMAC-SM3 over the IV and the
 *   ciphertext (encrypt-then-MAC: Node has no SM4-GCM).
 * Keys are derived from the configured secret with HKDF over the suite's hash,
 * one per purpose, so one secret never keys two algorithms.
 */
export interface CipherSuite {
  readonly name: CryptoSuiteName;
  /** The hash name for node:crypto (`sha256` | `sm3`). */
  readonly hash: 'sha256' | 'sm3';
  /** Authenticated encryption; `aad` is bound to the ciphertext (e.g. the token's header). */
  seal(secret: string, plaintext: Buffer, aad: Buffer): Buffer;
  /** Throws when the ciphertext or its header was altered, or the key is not the one that sealed it. */
  open(secret: string, sealed: Buffer, aad: Buffer): Buffer;
}

const derive = (hash: string, secret: string, purpose: string, length: number) =>
  Buffer.from(hkdfSync(hash, Buffer.from(secret, 'utf8'), Buffer.from('paicha'), Buffer.from(purpose), length));

const intl: CipherSuite = {
  name: 'intl',
  hash: 'sha256',
  seal(secret, plaintext, aad) {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', derive('sha256', secret, 'data:aes-256-gcm', 32), iv);
    cipher.setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([iv, ciphertext, cipher.getAuthTag()]);
  },
  open(secret, sealed, aad) {
    if (sealed.length < 28) throw new Error('ciphertext too short');
    const decipher = createDecipheriv('aes-256-gcm', derive('sha256', secret, 'data:aes-256-gcm', 32), sealed.subarray(0, 12));
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
  },
};

const gm: CipherSuite = {
  name: 'gm',
  hash: 'sm3',
  seal(secret, plaintext, aad) {
    const iv = randomBytes(16);
    const cipher = createCipheriv('sm4-cbc', derive('sm3', secret, 'data:sm4-cbc', 16), iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const mac = gmMac(secret, aad, iv, ciphertext);
    return Buffer.concat([iv, ciphertext, mac]);
  },
  open(secret, sealed, aad) {
    if (sealed.length < 16 + 16 + 32) throw new Error('ciphertext too short');
    const iv = sealed.subarray(0, 16);
    const ciphertext = sealed.subarray(16, sealed.length - 32);
    const mac = sealed.subarray(sealed.length - 32);
    // the MAC is checked before anything is decrypted
    if (!timingSafeEqual(mac, gmMac(secret, aad, iv, ciphertext))) throw new Error('authentication failed');
    const decipher = createDecipheriv('sm4-cbc', derive('sm3', secret, 'data:sm4-cbc', 16), iv);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  },
};

function gmMac(secret: string, aad: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  const length = Buffer.alloc(8);
  length.writeBigUInt64BE(BigInt(aad.length));
  return createHmac('sm3', derive('sm3', secret, 'data:hmac-sm3', 32))
    .update(length)
    .update(aad)
    .update(iv)
    .update(ciphertext)
    .digest();
}

export const SUITES: Record<CryptoSuiteName, CipherSuite> = { intl, gm };

/** A keyed hash for a purpose (the audit chain, …) with the suite's hash function. */
export function keyedHash(hash: 'sha256' | 'sm3', secret: string, purpose: string): (...parts: (string | Buffer)[]) => string {
  const key = derive(hash, secret, purpose, 32);
  return (...parts) => {
    const hmac = createHmac(hash, key);
    for (const part of parts) hmac.update(part);
    return hmac.digest('hex');
  };
}

/** A plain hash with the suite's function (content digests where no key belongs). */
export function digest(hash: 'sha256' | 'sm3', data: string | Buffer): string {
  return createHash(hash).update(data).digest('hex');
}
