import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AuditService } from '../audit/audit.service.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { Transactions } from '../common/transactions.js';
import { toUser, UsersService, type User } from '../users/users.service.js';
import type { CredentialRow } from '../users/users.repository.js';
import type { Actor } from '../access/actor.js';
import { AuthError } from './auth.errors.js';
import { verifyPassword } from '../users/password.js';
import { VerifiedTokens } from './verified-tokens.js';

export const TOKEN_TTL_SECONDS = 12 * 60 * 60;

interface TokenClaims {
  sub: string;
  /** The user's token version at issue: a password change or deactivation moves it. */
  ver: number;
}

@Injectable()
export class AuthService {
  private readonly verified = new VerifiedTokens<TokenClaims>();

  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  async login(username: string, password: string, ip: string): Promise<{ accessToken: string; tokenType: 'Bearer'; expiresIn: number; user: User }> {
    const credentials = await this.users.findCredentials({ username });
    const passwordOk = await verifyPassword(credentials?.password_hash, password);
    const ok = credentials !== undefined && passwordOk && credentials.active;
    await this.transactions.run((em) =>
      this.audit.append(em, {
        actorId: ok ? credentials.id : null,
        action: ok ? 'auth.login' : 'auth.login_failed',
        entity: 'user',
        entityId: credentials?.id ?? null,
        regionCode: credentials ? auditRegion(credentials) : null,
        data: { username, ip, ...(ok ? {} : { reason: !credentials ? 'unknown_user' : !passwordOk ? 'wrong_password' : 'inactive' }) },
      }),
    );
    // one answer for every failure: unknown user, wrong password, deactivated
    if (!ok) throw new DomainException(AuthError.InvalidCredentials, 'Invalid username or password');
    const claims: TokenClaims = { sub: credentials.id, ver: credentials.token_version };
    const accessToken = await this.jwt.signAsync(claims, { algorithm: 'HS256', expiresIn: TOKEN_TTL_SECONDS });
    return { accessToken, tokenType: 'Bearer', expiresIn: TOKEN_TTL_SECONDS, user: toUser(credentials) };
  }

  /** The actor behind a bearer token, or a 401: bad signature, other algorithm, expired, unknown or inactive user, stale version. */
  async authenticate(token: string): Promise<Actor> {
    let claims: TokenClaims;
    try {
      claims = await this.verified.claimsOf(token, (t) => this.jwt.verifyAsync<TokenClaims & { exp?: unknown }>(t, { algorithms: ['HS256'] }));
    } catch {
      throw invalidToken();
    }
    if (typeof claims.sub !== 'string' || !/^[0-9a-f-]{36}$/i.test(claims.sub) || typeof claims.ver !== 'number') throw invalidToken();
    const credentials = await this.users.credentialsForAuth(claims.sub);
    if (!credentials || !credentials.active || credentials.token_version !== claims.ver) throw invalidToken();
    return actorOf(credentials);
  }

  async me(actor: Actor): Promise<User> {
    const credentials = await this.users.findCredentials({ id: actor.id });
    if (!credentials) throw invalidToken();
    return toUser(credentials);
  }
}

/** The actor a user's credentials stand for. */
export function actorOf(credentials: CredentialRow): Actor {
  return {
    id: credentials.id,
    username: credentials.username,
    role: credentials.role,
    regionCode: credentials.region_code,
    regionPath: credentials.region_path,
    institutionId: credentials.institution_id,
  };
}

function invalidToken(): DomainException {
  return new DomainException(AuthError.InvalidToken, 'Missing, invalid or expired access token');
}

function auditRegion(credentials: CredentialRow): string | null {
  return credentials.region_code ?? credentials.institution_region_code;
}
