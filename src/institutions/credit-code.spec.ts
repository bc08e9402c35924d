import { describe, expect, it } from '@jest/globals';
import { creditCodeCheckChar, isValidCreditCode } from './credit-code.js';

describe('统一社会信用代码 (GB 32100-2015)', () => {
  it('computes the check character by hand for a known code', () => {
    // Σ: 9·1 + 1·3 + 3·9 + 5·27 + 0·19 + 1·26 + 0·16 + 0·17 + M(21)·20 + 0 + 0 + 0 + 1·8 + 0 + 0 + Y(30)·30 + 4·28
    //  = 9 + 3 + 27 + 135 + 0 + 26 + 0 + 0 + 420 + 0 + 0 + 0 + 8 + 0 + 0 + 900 + 112 = 1640
    // 1640 mod 31 = 28; 31 − 28 = 3 → '3'
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(isValidCreditCode('91350100M000100Y43')).toBe(true);
  });

  it('maps a remainder of 0 to the character 0', () => {
    // 17 zeros: Σ = 0 → (31 − 0) mod 31 = 0
    expect(creditCodeCheckChar('00000000000000000')).toBe('0');
    expect(isValidCreditCode('000000000000000000')).toBe(true);
  });

  it('rejects a wrong check character, a bad length and forbidden letters', () => {
    expect(isValidCreditCode('91350100M000100Y44')).toBe(false);
    expect(isValidCreditCode('91350100M000100Y4')).toBe(false);
    expect(isValidCreditCode('91350100M000100Y433')).toBe(false);
    expect(isValidCreditCode('91350100I000100Y43')).toBe(false);
    expect(isValidCreditCode('9135a100M000100Y43')).toBe(false);
    expect(isValidCreditCode('91350100m000100y43')).toBe(false);
  });
});
