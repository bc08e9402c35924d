import { describe, expect, it } from '@jest/globals';
import type { RuntimeConfig } from '../config/config.js';
import { CryptoService } from './crypto.service.js';
import { cryptoSelfTest } from './self-test.js';
import { SUITES } from './suites.js';

const KEY_1 = 'first-data-key-0123456789-0123456789';
const KEY_2 = 'second-data-key-0123456789-0123456789';
const service = (suite: 'intl' | 'gm', keys = [{ version: 1, secret: KEY_1 }]) =>
  new CryptoService({
    cryptoSuite: suite,
    auditHash: suite === 'gm' ? 'sm3' : 'sha256',
    dataKeys: keys,
    auditKey: 'audit-key-0123456789-0123456789-ab',
  } as RuntimeConfig);

describe.each(['intl', 'gm'] as const)('the %s suite', (name) => {
  it('passes its known-answer self-test', () => {
    expect(() => cryptoSelfTest(name)).not.toThrow();
  });

  it('seals and opens, and refuses a flipped bit, another header or another key', () => {
    const suite = SUITES[name];
    const aad = Buffer.from('enc1.x.1');
    const sealed = suite.seal(KEY_1, Buffer.from('13800138000'), aad);
    expect(suite.open(KEY_1, sealed, aad).toString()).toBe('13800138000');
    const flipped = Buffer.from(sealed);
    flipped[flipped.length >> 1] ^= 1;
    expect(() => suite.open(KEY_1, flipped, aad)).toThrow();
    expect(() => suite.open(KEY_1, sealed, Buffer.from('enc1.x.2'))).toThrow();
    expect(() => suite.open(KEY_2, sealed, aad)).toThrow();
  });

  it('encrypts a value as a token naming its suite and key version, never the same twice', () => {
    const crypto = service(name);
    const a = crypto.encrypt('13800138000');
    const b = crypto.encrypt('13800138000');
    expect(a).toMatch(new RegExp(`^enc1\\.${name}\\.1\\.[A-Za-z0-9_-]+$`));
    expect(a).not.toBe(b);
    expect(crypto.decrypt(a)).toBe('13800138000');
    expect(CryptoService.isEncrypted(a)).toBe(true);
    expect(CryptoService.isEncrypted('13800138000')).toBe(false);
  });
});

describe('CryptoService', () => {
  it('keeps reading values of an older key and of the other suite while keys rotate', () => {
    const old = service('intl').encrypt('0851-12345678');
    const rotated = service('gm', [
      { version: 2, secret: KEY_2 },
      { version: 1, secret: KEY_1 },
    ]);
    expect(rotated.decrypt(old)).toBe('0851-12345678');
    expect(rotated.encrypt('x')).toMatch(/^enc1\.gm\.2\./);
    expect(() => service('intl').decrypt(rotated.encrypt('x'))).toThrow(/no DATA_KEY of version 2/);
  });

  it('gives different audit links under SHA-256 and SM3, and under another key', () => {
    const a = service('intl').auditHmac('sha256')('x');
    const b = service('intl').auditHmac('sm3')('x');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
    const otherKey = new CryptoService({
      cryptoSuite: 'intl',
      auditHash: 'sha256',
      dataKeys: [{ version: 1, secret: KEY_1 }],
      auditKey: 'another-audit-key-0123456789-01234',
    } as RuntimeConfig);
    expect(otherKey.auditHmac('sha256')('x')).not.toBe(a);
  });
});
