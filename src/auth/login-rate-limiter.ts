import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CommonError, DomainException } from '../common/problem/domain.exception.js';

export const LOGIN_LIMIT = { attempts: 10, windowMs: 60_000 };

/**
 * Login attempts per client IP and username together, in a fixed window,
 * counted in the `login_attempts` table: one statement (an upsert that starts
 * a new window when the old one is over) per attempt, so several instances
 * share one limit. (@nestjs/throttler is CommonJS and cannot load the ESM-only
 * @nestjs/common under Jest's ESM mode on Node 20; this is the part of it we need.)
 */
@Injectable()
export class LoginRateLimiter implements OnModuleDestroy {
  private readonly sweeper = setInterval(() => void this.sweep().catch(() => undefined), LOGIN_LIMIT.windowMs);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.sweeper.unref();
  }

  /** Counts an attempt; a 429 with Retry-After when the window is used up. */
  async hit(ip: string, username: string): Promise<void> {
    const key = createHash('sha256').update(`${ip}|${username.toLowerCase()}`).digest('hex');
    const rows = (await this.dataSource.query(
      `INSERT INTO login_attempts AS l (key, window_start, attempts) VALUES ($1, clock_timestamp(), 1)
       ON CONFLICT (key) DO UPDATE SET
         window_start = CASE WHEN l.window_start <= clock_timestamp() - make_interval(secs => $2) THEN clock_timestamp() ELSE l.window_start END,
         attempts = CASE WHEN l.window_start <= clock_timestamp() - make_interval(secs => $2) THEN 1 ELSE l.attempts + 1 END
       RETURNING l.attempts,
         GREATEST(1, ceil(extract(epoch FROM l.window_start + make_interval(secs => $2) - clock_timestamp())))::int AS retry_after`,
      [key, LOGIN_LIMIT.windowMs / 1000],
    )) as { attempts: number; retry_after: number }[];
    const [{ attempts, retry_after: retryAfter }] = rows;
    if (attempts > LOGIN_LIMIT.attempts) {
      throw new DomainException(
        CommonError.RateLimited,
        `Too many login attempts for this username from your address; try again in ${retryAfter} s`,
        {},
        { 'Retry-After': String(retryAfter) },
      );
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /** Forgets windows that are over (any instance may do it; it is idempotent). */
  private async sweep(): Promise<void> {
    if (!this.dataSource.isInitialized) return;
    await this.dataSource.query(`DELETE FROM login_attempts WHERE window_start <= clock_timestamp() - make_interval(secs => $1)`, [
      LOGIN_LIMIT.windowMs / 1000,
    ]);
  }
}
