import { describe, expect, it } from '@jest/globals';
import { VerifiedTokens } from './verified-tokens.js';

interface Claims {
  sub: string;
}

/** A verify that counts its calls and accepts tokens named `ok:<sub>:<exp>` (exp may be `none`). */
function verifier() {
  const calls: string[] = [];
  const verify = async (token: string): Promise<Claims & { exp?: unknown }> => {
    calls.push(token);
    const [kind, sub, exp] = token.split(':');
    if (kind !== 'ok') throw new Error('invalid signature');
    return exp === 'none' ? { sub } : { sub, exp: Number(exp) };
  };
  return { calls, verify };
}

describe('VerifiedTokens', () => {
  it('checks a token once and answers from memory until it expires, then checks it again', async () => {
    let now = 1_000;
    const tokens = new VerifiedTokens<Claims>(10, () => now);
    const { calls, verify } = verifier();
    expect(await tokens.claimsOf('ok:u1:1002', verify)).toMatchObject({ sub: 'u1' });
    now = 1_001;
    expect(await tokens.claimsOf('ok:u1:1002', verify)).toMatchObject({ sub: 'u1' });
    expect(calls).toEqual(['ok:u1:1002']);
    // expired once now ≥ exp, as jsonwebtoken decides: the entry is dropped and verify decides again
    now = 1_002;
    await tokens.claimsOf('ok:u1:1002', verify);
    expect(calls).toEqual(['ok:u1:1002', 'ok:u1:1002']);
    expect(tokens.size).toBe(0);
  });

  it('keeps nothing for a token verify refuses, and refuses it every time', async () => {
    const tokens = new VerifiedTokens<Claims>(10, () => 1_000);
    const { calls, verify } = verifier();
    await expect(tokens.claimsOf('bad:u1:2000', verify)).rejects.toThrow('invalid signature');
    await expect(tokens.claimsOf('bad:u1:2000', verify)).rejects.toThrow('invalid signature');
    expect(calls).toHaveLength(2);
    expect(tokens.size).toBe(0);
  });

  it('never remembers a token without a numeric expiry, or one already expired', async () => {
    const tokens = new VerifiedTokens<Claims>(10, () => 1_000);
    const { calls, verify } = verifier();
    await tokens.claimsOf('ok:u1:none', verify);
    await tokens.claimsOf('ok:u1:none', verify);
    await tokens.claimsOf('ok:u2:999', verify);
    await tokens.claimsOf('ok:u2:999', verify);
    expect(calls).toHaveLength(4);
    expect(tokens.size).toBe(0);
  });

  it('holds at most its capacity, dropping the oldest token first', async () => {
    const tokens = new VerifiedTokens<Claims>(3, () => 1_000);
    const { calls, verify } = verifier();
    for (const sub of ['a', 'b', 'c', 'd']) await tokens.claimsOf(`ok:${sub}:2000`, verify);
    expect(tokens.size).toBe(3);
    calls.length = 0;
    await tokens.claimsOf('ok:d:2000', verify);
    await tokens.claimsOf('ok:b:2000', verify);
    expect(calls).toEqual([]);
    await tokens.claimsOf('ok:a:2000', verify);
    expect(calls).toEqual(['ok:a:2000']);
  });

  it('hands out claims that cannot be changed for the next request', async () => {
    const tokens = new VerifiedTokens<Claims>(10, () => 1_000);
    const { verify } = verifier();
    const claims = await tokens.claimsOf('ok:u1:2000', verify);
    expect(() => {
      (claims as { sub: string }).sub = 'someone else';
    }).toThrow(TypeError);
    expect((await tokens.claimsOf('ok:u1:2000', verify)).sub).toBe('u1');
  });
});
