import { Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
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
  /** Given for a password change only. */
  pcr?: true;
}

/** What a login answers: a token, and whether it is good only for changing the password. */
export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  passwordChangeRequired: boolean;
  user: User;
}

const DAY_MS = 24 * 3600 * 1000;

@Injectable()
export class AuthService {
  private readonly verified = new VerifiedTokens<TokenClaims>();

  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Checks a password. Failures count in the database (every instance shares
   * the count): LOCKOUT_THRESHOLD in a row lock the account for
   * LOCKOUT_MINUTES, and a locked account answers like any failed login. A
   * password set by someone else, or older than PASSWORD_MAX_AGE_DAYS, gives
   * a token good only for changing it.
   */
  async login(username: string, password: string, ip: string): Promise<LoginResult> {
    const credentials = await this.users.findCredentials({ username });
    const passwordOk = await verifyPassword(credentials?.password_hash, password);
    const locked = credentials?.locked_until != null && new Date(credentials.locked_until).getTime() > Date.now();
    const ok = credentials !== undefined && passwordOk && credentials.active && !locked;
    const reason = !credentials ? 'unknown_user' : locked ? 'locked' : !passwordOk ? 'wrong_password' : 'inactive';
    await this.transactions.run(async (em) => {
      const lockedNow =
        !ok &&
        reason === 'wrong_password' &&
        (await this.users.recordFailedLogin(em, credentials!.id, this.config.lockoutThreshold, this.config.lockoutMinutes));
      if (ok) await this.users.recordLogin(em, credentials.id);
      const event = {
        entity: 'user' as const,
        entityId: credentials?.id ?? null,
        regionCode: credentials ? auditRegion(credentials) : null,
      };
      await this.audit.append(em, {
        ...event,
        actorId: ok ? credentials.id : null,
        action: ok ? 'auth.login' : 'auth.login_failed',
        data: { username, ip, ...(ok ? {} : { reason }) },
      });
      if (lockedNow) {
        await this.audit.append(em, {
          ...event,
          actorId: null,
          action: 'auth.lockout',
          data: { username, ip, minutes: this.config.lockoutMinutes },
        });
      }
    });
    // one answer for every failure: unknown user, wrong password, deactivated, locked
    if (!ok) throw new DomainException(AuthError.InvalidCredentials, 'Invalid username or password');
    const maxAge = this.config.passwordMaxAgeDays * DAY_MS;
    const expired = maxAge > 0 && new Date(credentials.password_changed_at).getTime() + maxAge < Date.now();
    const passwordChangeRequired = credentials.password_change_required || expired;
    const claims: TokenClaims = {
      sub: credentials.id,
      ver: credentials.token_version,
      ...(passwordChangeRequired ? { pcr: true as const } : {}),
    };
    const accessToken = await this.jwt.signAsync(claims, { algorithm: 'HS256', expiresIn: TOKEN_TTL_SECONDS });
    return { accessToken, tokenType: 'Bearer', expiresIn: TOKEN_TTL_SECONDS, passwordChangeRequired, user: toUser(credentials) };
  }

  /** The user's own password change; a new token follows (the change ends every other session). */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string, ip: string): Promise<LoginResult> {
    const outcome = await this.users.changeOwnPassword(actor.id, currentPassword, newPassword);
    if (outcome === 'wrong_password') {
      // a wrong current password counts as a failed login
      const credentials = await this.users.findCredentials({ id: actor.id });
      await this.transactions.run(async (em) => {
        const lockedNow = credentials
          ? await this.users.recordFailedLogin(em, actor.id, this.config.lockoutThreshold, this.config.lockoutMinutes)
          : false;
        await this.audit.append(em, {
          actorId: actor.id,
          action: 'auth.password_change_failed',
          entity: 'user',
          entityId: actor.id,
          regionCode: credentials ? auditRegion(credentials) : null,
          data: { ip, lockedNow },
        });
      });
      throw new DomainException(AuthError.WrongCurrentPassword, '当前密码不正确', {
        errors: [{ field: 'currentPassword', message: '当前密码不正确' }],
      });
    }
    return this.login(actor.username, newPassword, ip);
  }

  /** The actor behind a bearer token, or a 401: bad signature, other algorithm, expired, unknown or inactive user, stale version. */
  async authenticate(token: string): Promise<Actor> {
    let claims: TokenClaims;
    try {
      claims = await this.verified.claimsOf(token, (t) =>
        this.jwt.verifyAsync<TokenClaims & { exp?: unknown }>(t, { algorithms: ['HS256'] }),
      );
    } catch {
      throw invalidToken();
    }
    if (typeof claims.sub !== 'string' || !/^[0-9a-f-]{36}$/i.test(claims.sub) || typeof claims.ver !== 'number') throw invalidToken();
    const credentials = await this.users.credentialsForAuth(claims.sub);
    if (!credentials || !credentials.active || credentials.token_version !== claims.ver) throw invalidToken();
    const actor = actorOf(credentials);
    return claims.pcr === true ? { ...actor, passwordChangeOnly: true } : actor;
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
