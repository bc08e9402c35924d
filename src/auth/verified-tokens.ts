/**
 * Bearer tokens whose signature this process has already checked, with their
 * claims, until they expire. Every request carries the same token for hours;
 * checking its HMAC and parsing it again each time was about a twelfth of the
 * CPU of a request. Only what `verify` accepted is kept, keyed by the whole
 * token text, and an entry is used only while its `exp` is in the future, the
 * rule `jsonwebtoken` applies (expired once now ≥ exp, in whole seconds).
 * Revocation is not decided here: the caller still checks the user's
 * credentials (active, token version) on every request.
 */
export class VerifiedTokens<Claims extends object> {
  private readonly entries = new Map<string, { claims: Claims; exp: number }>();

  constructor(
    private readonly capacity = 10_000,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** The token's claims: from memory while unexpired, else from `verify` (which throws for a bad token: nothing is kept). */
  async claimsOf(token: string, verify: (token: string) => Promise<Claims & { exp?: unknown }>): Promise<Claims> {
    const known = this.entries.get(token);
    if (known) {
      if (this.nowSeconds() < known.exp) return known.claims;
      this.entries.delete(token);
    }
    const claims = await verify(token);
    // a token without a numeric expiry is never remembered
    if (typeof claims.exp === 'number' && this.nowSeconds() < claims.exp) {
      if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(token, { claims: Object.freeze(claims), exp: claims.exp });
    }
    return claims;
  }

  get size(): number {
    return this.entries.size;
  }
}
