import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { preparedQuery } from '../common/prepared.js';

export type SessionRestriction = 'password_change' | 'mfa_enrollment';
export type SessionEndReason = 'logout' | 'refresh_reuse' | 'idle' | 'expired' | 'password_changed' | 'deactivated';

/** What every authenticated request checks of its session. */
export interface SessionRow {
  id: string;
  user_id: string;
  restriction: SessionRestriction | null;
  last_seen_at: Date;
  expires_at: Date;
  ended_at: Date | null;
}

/** What a refresh checks: the session, its user's state, and the digest of the current refresh secret. */
export interface RefreshRow extends SessionRow {
  refresh_digest: string;
  token_version: number;
  user_active: boolean;
  user_token_version: number;
  username: string;
}

const SESSION_COLUMNS = 's.id, s.user_id, s.restriction, s.last_seen_at, s.expires_at, s.ended_at';

@Injectable()
export class SessionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async create(
    em: EntityManager,
    session: {
      userId: string;
      tokenVersion: number;
      refreshDigest: string;
      restriction: SessionRestriction | null;
      ip: string;
      hours: number;
    },
  ): Promise<{ id: string; expiresAt: Date }> {
    const rows = (await em.query(
      `INSERT INTO auth_sessions (user_id, token_version, refresh_digest, restriction, ip, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(hours => $6)) RETURNING id, expires_at`,
      [session.userId, session.tokenVersion, session.refreshDigest, session.restriction, session.ip.slice(0, 64), session.hours],
    )) as { id: string; expires_at: Date }[];
    return { id: rows[0].id, expiresAt: rows[0].expires_at };
  }

  /** The session behind an access token (every request, unless cached: a prepared statement). */
  async find(id: string): Promise<SessionRow | undefined> {
    const rows = await preparedQuery<SessionRow>(this.dataSource, `SELECT ${SESSION_COLUMNS} FROM auth_sessions s WHERE s.id = $1`, [id]);
    return rows[0];
  }

  /** The session to refresh with its user, locked to the end of the transaction (two refreshes of one token queue here). */
  async lockForRefresh(em: EntityManager, id: string): Promise<RefreshRow | undefined> {
    const rows = (await em.query(
      `SELECT ${SESSION_COLUMNS}, s.refresh_digest, s.token_version, u.active AS user_active, u.token_version AS user_token_version,
              u.username
       FROM auth_sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id = $1 FOR UPDATE OF s`,
      [id],
    )) as RefreshRow[];
    return rows[0];
  }

  async rotate(em: EntityManager, id: string, refreshDigest: string): Promise<void> {
    await em.query(`UPDATE auth_sessions SET refresh_digest = $2, generation = generation + 1, last_seen_at = now() WHERE id = $1`, [
      id,
      refreshDigest,
    ]);
  }

  /** Ends one open session; false when it had already ended. */
  async end(em: EntityManager, id: string, reason: SessionEndReason): Promise<boolean> {
    const rows = (await em.query(
      `UPDATE auth_sessions SET ended_at = now(), end_reason = $2 WHERE id = $1 AND ended_at IS NULL RETURNING id`,
      [id, reason],
    )) as [unknown[], number];
    return rows[1] > 0;
  }

  /** Ends every open session of a user (a new password); returns how many. */
  async endAllOf(em: EntityManager, userId: string, reason: SessionEndReason): Promise<number> {
    const rows = (await em.query(
      `UPDATE auth_sessions SET ended_at = now(), end_reason = $2 WHERE user_id = $1 AND ended_at IS NULL RETURNING id`,
      [userId, reason],
    )) as [unknown[], number];
    return rows[1];
  }

  async lift(em: EntityManager, id: string): Promise<void> {
    await em.query(`UPDATE auth_sessions SET restriction = NULL WHERE id = $1`, [id]);
  }

  /** Marks the session used now (outside any transaction; ended_at is not touched, so nothing is announced). */
  async touch(id: string): Promise<void> {
    await preparedQuery(this.dataSource, `UPDATE auth_sessions SET last_seen_at = now() WHERE id = $1 AND ended_at IS NULL`, [id]);
  }

  /** Deletes sessions ended or expired more than `days` ago (the daily job); returns how many. */
  async purge(em: EntityManager, days: number): Promise<number> {
    const rows = (await em.query(
      `DELETE FROM auth_sessions WHERE COALESCE(ended_at, expires_at) < now() - make_interval(days => $1) RETURNING id`,
      [days],
    )) as [unknown[], number];
    return rows[1];
  }
}
