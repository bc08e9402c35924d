import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { AuditHashName, CryptoSuiteName, DataKey, RuntimeConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { cryptoSelfTest } from './self-test.js';
import { keyedHash, SUITES } from './suites.js';

const TOKEN = /^enc1\.(intl|gm)\.(\d{1,6})\.([A-Za-z0-9_-]+)$/;

/**
 * Personal data encrypted at rest and the keyed hashes, behind one interface:
 * the suite (CRYPTO_SUITE) encrypts new values, and every value carries its
 * suite and key version (`enc1.<suite>.<version>.<base64url>`), so a value
 * written under another suite or an older DATA_KEY still opens while keys
 * rotate. The chosen suite passes its known-answer self-test at boot or the
 * service does not start.
 */
@Injectable()
export class CryptoService {
  readonly suite: CryptoSuiteName;
  private readonly keys: DataKey[];
  private readonly auditKey: string;

  constructor(@InjectConfig() config: RuntimeConfig) {
    cryptoSelfTest(config.cryptoSuite);
    if (config.auditHash === 'sm3') cryptoSelfTest('gm');
    this.suite = config.cryptoSuite;
    this.keys = config.dataKeys;
    this.auditKey = config.auditKey;
  }

  static isEncrypted(value: string): boolean {
    return TOKEN.test(value);
  }

  encrypt(plaintext: string): string {
    const key = this.keys[0];
    const header = `enc1.${this.suite}.${key.version}`;
    const sealed = SUITES[this.suite].seal(key.secret, Buffer.from(plaintext, 'utf8'), Buffer.from(header));
    return `${header}.${sealed.toString('base64url')}`;
  }

  decrypt(token: string): string {
    const m = TOKEN.exec(token);
    if (!m) throw new Error('not an encrypted value');
    const [, suite, version, body] = m;
    const key = this.keys.find((k) => k.version === Number(version));
    if (!key) throw new Error(`no DATA_KEY of version ${version} is configured`);
    return SUITES[suite as CryptoSuiteName]
      .open(key.secret, Buffer.from(body, 'base64url'), Buffer.from(`enc1.${suite}.${version}`))
      .toString('utf8');
  }

  /**
   * The blind index of a value for exact search (HMAC under the newest
   * DATA_KEY, `<version>.<hex>`): equal values give equal indexes, and the
   * index tells nothing without the key.
   */
  blindIndex(value: string): string {
    return this.blindIndexOf(this.keys[0], value);
  }

  /** The indexes a value may be stored under, one per configured key version (a search finds rows indexed before a rotation). */
  blindIndexes(value: string): string[] {
    return this.keys.map((key) => this.blindIndexOf(key, value));
  }

  private blindIndexOf(key: DataKey, value: string): string {
    return `${key.version}.${keyedHash(SUITES[this.suite].hash, key.secret, 'blind-index')(value).slice(0, 40)}`;
  }

  /** The suite's hash (SHA-256 or SM3) of a high-entropy secret, hex: what is kept of a refresh token. */
  digest(value: string): string {
    return createHash(SUITES[this.suite].hash).update(value, 'utf8').digest('hex');
  }

  /** The audit chain's keyed hash (HMAC-SHA-256 or HMAC-SM3 under AUDIT_KEY). */
  auditHmac(hash: AuditHashName): (...parts: (string | Buffer)[]) => string {
    return keyedHash(hash, this.auditKey, 'audit-chain');
  }
}
