import { createCipheriv, createHash, getCiphers, getHashes } from 'node:crypto';
import type { CryptoSuiteName } from '../config/config.js';
import { SUITES } from './suites.js';

/** The algorithm a platform lacks or computes wrongly: the boot stops naming it. */
export class CryptoSelfTestError extends Error {
  constructor(message: string) {
    super(`Crypto self-test failed: ${message}`);
    this.name = 'CryptoSelfTestError';
  }
}

const hex = (s: string) => Buffer.from(s, 'hex');

/** Known-answer tests from the standards (GB/T 32905 SM3, GB/T 32907 SM4, FIPS 180 SHA-256, the GCM spec's test case 14). */
function knownAnswers(name: CryptoSuiteName): void {
  if (name === 'gm') {
    if (!getHashes().includes('sm3')) throw new CryptoSelfTestError('this Node/OpenSSL build has no SM3 (CRYPTO_SUITE=gm needs it)');
    if (!getCiphers().includes('sm4-cbc'))
      throw new CryptoSelfTestError('this Node/OpenSSL build has no SM4-CBC (CRYPTO_SUITE=gm needs it)');
    if (createHash('sm3').update('abc').digest('hex') !== '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0') {
      throw new CryptoSelfTestError('SM3("abc") does not give the GB/T 32905 test vector');
    }
    const sm4 = createCipheriv('sm4-ecb', hex('0123456789abcdeffedcba9876543210'), null).setAutoPadding(false);
    const block = Buffer.concat([sm4.update(hex('0123456789abcdeffedcba9876543210')), sm4.final()]).toString('hex');
    if (block !== '681edf34d206965e86b3e94f536e4246') throw new CryptoSelfTestError('SM4 does not give the GB/T 32907 test vector');
  } else {
    if (createHash('sha256').update('abc').digest('hex') !== 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad') {
      throw new CryptoSelfTestError('SHA-256("abc") does not give the FIPS 180 test vector');
    }
    const gcm = createCipheriv('aes-256-gcm', Buffer.alloc(32), Buffer.alloc(12));
    const block = Buffer.concat([gcm.update(Buffer.alloc(16)), gcm.final()]).toString('hex');
    if (block !== 'cea7403d4d606b6e074ec5d3baf39d18' || gcm.getAuthTag().toString('hex') !== 'd0d1c8a799996bf0265b98b5d48ab919') {
      throw new CryptoSelfTestError('AES-256-GCM does not give the GCM specification test vector');
    }
  }
}

/** Runs at boot: the chosen suite's known answers, then a seal/open round trip that must also refuse a flipped bit. */
export function cryptoSelfTest(name: CryptoSuiteName): void {
  knownAnswers(name);
  const suite = SUITES[name];
  const aad = Buffer.from('self-test');
  const sealed = suite.seal('self-test-key-0123456789-0123456789', Buffer.from('13800138000'), aad);
  if (suite.open('self-test-key-0123456789-0123456789', sealed, aad).toString() !== '13800138000')
    throw new CryptoSelfTestError(`${name} does not round-trip`);
  sealed[sealed.length - 1] ^= 1;
  let refused = false;
  try {
    suite.open('self-test-key-0123456789-0123456789', sealed, aad);
  } catch {
    refused = true;
  }
  if (!refused) throw new CryptoSelfTestError(`${name} accepted an altered ciphertext`);
}
