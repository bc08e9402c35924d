import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { chainHash, GENESIS_HASH, type AuditContent } from './audit-chain.js';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('gives the same text for the same value built in another order', () => {
    expect(canonicalJson({ x: 1, y: '排查' })).toBe(canonicalJson({ y: '排查', x: 1 }));
  });

  it('writes null, booleans, numbers and unicode as JSON does', () => {
    expect(canonicalJson([null, true, 1.5, '养老\n'])).toBe('[null,true,1.5,"养老\\n"]');
  });
});

describe('chainHash', () => {
  const content: AuditContent = {
    seq: 1,
    at: '2026-06-01T08:00:00.000Z',
    actorId: null,
    action: 'region.create',
    entity: 'region',
    entityId: '520000',
    regionCode: '520000',
    data: { name: '贵州省' },
  };

  it('is SHA-256 over the previous hash followed by the canonical content', () => {
    const expected = createHash('sha256')
      .update(
        GENESIS_HASH +
          '{"action":"region.create","actorId":null,"at":"2026-06-01T08:00:00.000Z","data":{"name":"贵州省"},"entity":"region","entityId":"520000","regionCode":"520000","seq":1}',
      )
      .digest('hex');
    expect(chainHash(GENESIS_HASH, content)).toBe(expected);
  });

  it('changes when the content or the previous hash changes', () => {
    const h = chainHash(GENESIS_HASH, content);
    expect(chainHash(GENESIS_HASH, { ...content, data: { name: '贵州' } })).not.toBe(h);
    expect(chainHash('f'.repeat(64), content)).not.toBe(h);
  });
});
