import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Actor } from '../access/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { Transactions } from '../common/transactions.js';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { SECURITY_MESSAGES } from '../notifications/messages.zh-CN.js';
import { SecurityNotices } from '../notifications/security-notices.js';
import { CredentialsCache } from '../users/credentials-cache.js';
import type { EntityManager } from 'typeorm';
import { AuthError } from './auth.errors.js';
import { SessionsRepository, type SessionEndReason, type SessionRestriction, type SessionRow } from './sessions.repository.js';

/** No session lives longer than this, however active (等保: 会话超时). */
export const SESSION_MAX_HOURS = 12;
/** A session's last use is written at most this often (per instance), not on every request. */
const TOUCH_MS = 60_000;
const MAX_TOUCHED = 50_000;

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface AccessClaims {
  sub: string;
  /** The user's token version at issue: a password change or deactivation moves it. */
  ver: number;
  /** The session. */
  sid: string;
  /** What the session is restricted to, if anything. */
  rst?: SessionRestriction;
}

/**
 * Sessions: short access tokens (ACCESS_TOKEN_MINUTES) renewed by a refresh
 * token that rotates on every use; showing an older one again ends the whole
 * session (it was copied). A session idle for SESSION_IDLE_MINUTES or older
 * than 12 hours ends; logout ends it at once, on every instance (the end is
 * announced on the credentials channel).
 */
@Injectable()
export class SessionsService {
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly jwt: JwtService,
    private readonly repository: SessionsRepository,
    private readonly cache: CredentialsCache,
    private readonly crypto: CryptoService,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly notices: SecurityNotices,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  get accessTokenSeconds(): number {
    return this.config.accessTokenMinutes * 60;
  }

  /** Opens a session inside the caller's transaction (a login) and gives its first token pair. */
  async open(
    em: EntityManager,
    user: { id: string; tokenVersion: number },
    restriction: SessionRestriction | null,
    ip: string,
  ): Promise<TokenPair> {
    const secret = randomBytes(32).toString('base64url');
    const { id } = await this.repository.create(em, {
      userId: user.id,
      tokenVersion: user.tokenVersion,
      refreshDigest: this.crypto.digest(secret),
      restriction,
      ip,
      hours: SESSION_MAX_HOURS,
    });
    return {
      accessToken: await this.sign(user.id, user.tokenVersion, id, restriction),
      refreshToken: `${id}.${secret}`,
      expiresIn: this.accessTokenSeconds,
    };
  }

  /** A new token pair for a refresh token; the old one is spent. Any problem ends the session and answers 401. */
  async refresh(refreshToken: string, ip: string): Promise<TokenPair> {
    const m = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/.exec(refreshToken);
    if (!m) throw sessionEnded();
    const [, sid, secret] = m;
    const outcome = await this.transactions.run(async (em) => {
      const row = await this.repository.lockForRefresh(em, sid);
      if (!row || row.ended_at) return undefined;
      const now = Date.now();
      const reason: SessionEndReason | null = !sameDigest(row.refresh_digest, this.crypto.digest(secret))
        ? 'refresh_reuse'
        : !row.user_active
          ? 'deactivated'
          : row.user_token_version !== row.token_version
            ? 'password_changed'
            : new Date(row.expires_at).getTime() <= now
              ? 'expired'
              : this.idle(row, now)
                ? 'idle'
                : null;
      if (reason) {
        await this.repository.end(em, sid, reason);
        await this.audit.append(em, {
          actorId: reason === 'refresh_reuse' ? null : row.user_id,
          action: reason === 'refresh_reuse' ? 'auth.refresh_reuse' : 'auth.session_end',
          entity: 'user',
          entityId: row.user_id,
          regionCode: null,
          data: { sessionId: sid, reason, ip },
        });
        if (reason === 'refresh_reuse') await this.notices.tell(em, SECURITY_MESSAGES.refreshReuse(row.username, ip));
        return undefined;
      }
      const next = randomBytes(32).toString('base64url');
      await this.repository.rotate(em, sid, this.crypto.digest(next));
      return { row, next };
    });
    this.cache.forget(`s:${sid}`);
    if (!outcome) throw sessionEnded();
    this.remember(sid, Date.now());
    const { row, next } = outcome;
    return {
      accessToken: await this.sign(row.user_id, row.token_version, sid, row.restriction),
      refreshToken: `${sid}.${next}`,
      expiresIn: this.accessTokenSeconds,
    };
  }

  /** The session of an access token, if it is still open; marks it used. Throws 401 otherwise. */
  async check(sid: string, userId: string): Promise<SessionRow> {
    const key = `s:${sid}`;
    let row = this.cache.get<SessionRow>(key);
    if (!row) {
      const ticket = this.cache.ticket();
      row = await this.repository.find(sid);
      if (row) this.cache.set(key, row, ticket);
    }
    const now = Date.now();
    if (!row || row.ended_at || row.user_id !== userId || new Date(row.expires_at).getTime() <= now) throw invalidToken();
    if (this.idle(row, now)) {
      await this.transactions.run((em) => this.repository.end(em, sid, 'idle'));
      this.cache.forget(key);
      throw invalidToken();
    }
    if (now - this.lastSeen(row) > TOUCH_MS) {
      this.remember(sid, now);
      await this.repository.touch(sid);
    }
    return row;
  }

  /** Ends the actor's session now (logout). */
  async logout(actor: Actor, ip: string): Promise<void> {
    if (!actor.sessionId) return;
    const sid = actor.sessionId;
    await this.transactions.run(async (em) => {
      if (!(await this.repository.end(em, sid, 'logout'))) return;
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'auth.logout',
        entity: 'user',
        entityId: actor.id,
        regionCode: actor.regionCode,
        data: { sessionId: sid, ip },
      });
    });
    this.cache.forget(`s:${sid}`);
  }

  /** Ends every open session of a user, in the caller's transaction (a new password). */
  async endAllOf(em: EntityManager, userId: string, reason: SessionEndReason): Promise<number> {
    return this.repository.endAllOf(em, userId, reason);
  }

  /** Lifts a session's restriction (the second factor was just enrolled): its next refresh gives a full token. */
  async lift(em: EntityManager, sid: string): Promise<void> {
    await this.repository.lift(em, sid);
  }

  /** Removes sessions that ended more than a month ago (the daily job). */
  purge(em: EntityManager): Promise<number> {
    return this.repository.purge(em, 30);
  }

  private sign(sub: string, ver: number, sid: string, restriction: SessionRestriction | null): Promise<string> {
    const claims: AccessClaims = { sub, ver, sid, ...(restriction ? { rst: restriction } : {}) };
    return this.jwt.signAsync(claims, { algorithm: 'HS256', expiresIn: this.accessTokenSeconds });
  }

  private lastSeen(row: SessionRow): number {
    return Math.max(new Date(row.last_seen_at).getTime(), this.touched.get(row.id) ?? 0);
  }

  private idle(row: SessionRow, now: number): boolean {
    return now - this.lastSeen(row) > this.config.sessionIdleMinutes * 60_000;
  }

  private remember(sid: string, at: number): void {
    if (this.touched.size >= MAX_TOUCHED) this.touched.delete(this.touched.keys().next().value as string);
    this.touched.delete(sid);
    this.touched.set(sid, at);
  }
}

function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function invalidToken(): DomainException {
  return new DomainException(AuthError.InvalidToken, 'Missing, invalid or expired access token');
}

function sessionEnded(): DomainException {
  return new DomainException(AuthError.InvalidRefreshToken, 'The session has ended or the refresh token is not valid: log in again');
}
