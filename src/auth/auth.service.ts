import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { Transactions } from '../common/transactions.js';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { addressAllowed, PRIVILEGED_ROLES } from '../config/security-settings.js';
import { JwtService } from '@nestjs/jwt';
import { SECURITY_MESSAGES } from '../notifications/messages.zh-CN.js';
import { SecurityNotices } from '../notifications/security-notices.js';
import { verifyPassword } from '../users/password.js';
import type { CredentialRow } from '../users/users.repository.js';
import { toUser, UsersService, type User } from '../users/users.service.js';
import { AuthError } from './auth.errors.js';
import type { SessionRestriction } from './sessions.repository.js';
import { SessionsService, type AccessClaims, type TokenPair } from './sessions.service.js';
import { isTotpCode } from './totp.js';
import { TotpService } from './totp.service.js';
import { VerifiedTokens } from './verified-tokens.js';

/** What a login answers: a token pair, and what the session is restricted to, if anything. */
export interface LoginResult extends TokenPair {
  tokenType: 'Bearer';
  passwordChangeRequired: boolean;
  mfaEnrollmentRequired: boolean;
  user: User;
}

const DAY_MS = 24 * 3600 * 1000;

@Injectable()
export class AuthService {
  private readonly verified = new VerifiedTokens<AccessClaims>();

  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly totp: TotpService,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly notices: SecurityNotices,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Checks the password, then the second factor when the user has one.
   * Failures count in the database (every instance shares the count):
   * LOCKOUT_THRESHOLD in a row lock the account for LOCKOUT_MINUTES, and a
   * locked account answers like any failed login. A password set by someone
   * else, or older than PASSWORD_MAX_AGE_DAYS, opens a session good only for
   * changing it; a role of MFA_REQUIRED_ROLES without a second factor, one
   * good only for enrolling it.
   */
  async login(username: string, password: string, totp: string | undefined, ip: string): Promise<LoginResult> {
    const credentials = await this.users.findCredentials({ username });
    const passwordOk = await verifyPassword(credentials?.password_hash, password);
    const locked = credentials?.locked_until != null && new Date(credentials.locked_until).getTime() > Date.now();
    const reason = !credentials
      ? 'unknown_user'
      : locked
        ? 'locked'
        : !passwordOk
          ? 'wrong_password'
          : !credentials.active
            ? 'inactive'
            : null;
    if (reason || !credentials) {
      await this.transactions.run((em) =>
        this.failed(em, credentials, username, ip, reason ?? 'unknown_user', reason === 'wrong_password'),
      );
      // one answer for every failure: unknown user, wrong password, deactivated, locked
      throw new DomainException(AuthError.InvalidCredentials, 'Invalid username or password');
    }
    if (PRIVILEGED_ROLES.includes(credentials.role) && !addressAllowed(this.config.adminAllowedCidrs, ip)) {
      await this.transactions.run((em) => this.failed(em, credentials, username, ip, 'address_not_allowed', false));
      throw new DomainException(AuthError.AddressNotAllowed, '该账号只能从指定的管理网络登录');
    }
    if (credentials.totp_secret && !totp) {
      await this.transactions.run((em) => this.failed(em, credentials, username, ip, 'totp_required', false));
      throw new DomainException(AuthError.TotpRequired, '请输入身份验证器上的动态口令');
    }
    const result = await this.transactions.run(async (em) => {
      if (credentials.totp_secret && !(await this.totp.accept(em, credentials, totp!))) return undefined;
      await this.users.recordLogin(em, credentials.id);
      await this.audit.append(em, {
        actorId: credentials.id,
        action: 'auth.login',
        entity: 'user',
        entityId: credentials.id,
        regionCode: auditRegion(credentials),
        data: { username, ip, ...(credentials.totp_secret ? { secondFactor: isTotpCode(totp!) ? 'totp' : 'recovery_code' } : {}) },
      });
      return this.open(em, credentials, ip);
    });
    if (!result) {
      await this.transactions.run((em) => this.failed(em, credentials, username, ip, 'wrong_totp', true));
      throw new DomainException(AuthError.InvalidTotp, '动态口令不正确或已使用过', {
        errors: [{ field: 'totp', message: '动态口令不正确或已使用过' }],
      });
    }
    return result;
  }

  /** The user's own password change: every session of the user ends, a new one opens (in the same transaction). */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string, ip: string): Promise<LoginResult> {
    const changed = await this.users.changeOwnPassword(actor.id, currentPassword, newPassword, async (em, credentials) => {
      await this.sessions.endAllOf(em, actor.id, 'password_changed');
      return this.open(em, credentials, ip);
    });
    if (changed.outcome === 'changed') return changed.result;
    // a wrong current password counts as a failed login
    const credentials = await this.users.findCredentials({ id: actor.id });
    await this.transactions.run(async (em) => {
      const lockedNow = credentials ? await this.countFailure(em, credentials, ip) : false;
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

  /** The actor behind a bearer token, or a 401: bad signature, other algorithm, expired, ended session, unknown or inactive user, stale version. */
  async authenticate(token: string): Promise<Actor> {
    let claims: AccessClaims;
    try {
      claims = await this.verified.claimsOf(token, (t) =>
        this.jwt.verifyAsync<AccessClaims & { exp?: unknown }>(t, { algorithms: ['HS256'] }),
      );
    } catch {
      throw invalidToken();
    }
    if (!isUuid(claims.sub) || !isUuid(claims.sid) || typeof claims.ver !== 'number') throw invalidToken();
    const credentials = await this.users.credentialsForAuth(claims.sub);
    if (!credentials || !credentials.active || credentials.token_version !== claims.ver) throw invalidToken();
    const session = await this.sessions.check(claims.sid, claims.sub);
    const actor: Actor = { ...actorOf(credentials), sessionId: claims.sid };
    return session.restriction ? { ...actor, restriction: session.restriction } : actor;
  }

  async me(actor: Actor): Promise<User> {
    const credentials = await this.users.findCredentials({ id: actor.id });
    if (!credentials) throw invalidToken();
    return toUser(credentials);
  }

  /** Opens the session of a login or a password change, restricted if the password or the second factor must come first. */
  private async open(em: EntityManager, credentials: CredentialRow, ip: string): Promise<LoginResult> {
    const maxAge = this.config.passwordMaxAgeDays * DAY_MS;
    const expired = maxAge > 0 && new Date(credentials.password_changed_at).getTime() + maxAge < Date.now();
    const passwordChangeRequired = credentials.password_change_required || expired;
    const mfaEnrollmentRequired =
      !credentials.totp_secret && this.config.mfaRequiredRoles.includes(credentials.role) && !(this.config.seedDemo && credentials.demo);
    const restriction: SessionRestriction | null = passwordChangeRequired
      ? 'password_change'
      : mfaEnrollmentRequired
        ? 'mfa_enrollment'
        : null;
    const tokens = await this.sessions.open(em, { id: credentials.id, tokenVersion: credentials.token_version }, restriction, ip);
    return { ...tokens, tokenType: 'Bearer', passwordChangeRequired, mfaEnrollmentRequired, user: toUser(credentials) };
  }

  /** Records a failed login; a wrong password or code counts towards the lockout, which the security admins are told of. */
  private async failed(
    em: EntityManager,
    credentials: CredentialRow | undefined,
    username: string,
    ip: string,
    reason: string,
    counts: boolean,
  ): Promise<void> {
    if (counts && credentials) await this.countFailure(em, credentials, ip);
    await this.audit.append(em, {
      actorId: null,
      action: 'auth.login_failed',
      entity: 'user',
      entityId: credentials?.id ?? null,
      regionCode: credentials ? auditRegion(credentials) : null,
      // the username typed is kept only when it names an account (a mistyped password in the username field stays out of the trail)
      data: { ...(credentials ? { username: credentials.username } : {}), ip, reason },
    });
  }

  private async countFailure(em: EntityManager, credentials: CredentialRow, ip: string): Promise<boolean> {
    const lockedNow = await this.users.recordFailedLogin(em, credentials.id, this.config.lockoutThreshold, this.config.lockoutMinutes);
    if (lockedNow) {
      await this.audit.append(em, {
        actorId: null,
        action: 'auth.lockout',
        entity: 'user',
        entityId: credentials.id,
        regionCode: auditRegion(credentials),
        data: { username: credentials.username, ip, minutes: this.config.lockoutMinutes },
      });
      await this.notices.tell(
        em,
        SECURITY_MESSAGES.lockout(credentials.username, this.config.lockoutThreshold, this.config.lockoutMinutes, ip),
      );
    }
    return lockedNow;
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

function isUuid(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f-]{36}$/i.test(value);
}

function invalidToken(): DomainException {
  return new DomainException(AuthError.InvalidToken, 'Missing, invalid or expired access token');
}

function auditRegion(credentials: CredentialRow): string | null {
  return credentials.region_code ?? credentials.institution_region_code;
}
