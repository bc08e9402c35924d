import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { CommonError, DomainException } from '../common/problem/domain.exception.js';

export const LOGIN_LIMIT = { attempts: 10, windowMs: 60_000 };

/**
 * Login attempts per client IP and username together, in a fixed window, in
 * this process. (@nestjs/throttler is CommonJS and cannot load the ESM-only
 * @nestjs/common under Jest's ESM mode on Node 20, so the tests could not run
 * the real thing; this is the part of it we need.)
 */
@Injectable()
export class LoginRateLimiter implements OnModuleDestroy {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly sweeper = setInterval(() => this.sweep(), LOGIN_LIMIT.windowMs);

  constructor() {
    this.sweeper.unref();
  }

  /** Counts an attempt; a 429 with Retry-After when the window is used up. */
  hit(ip: string, username: string, now = Date.now()): void {
    const key = `${ip}|${username.toLowerCase()}`;
    let window = this.windows.get(key);
    if (!window || now - window.start >= LOGIN_LIMIT.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count++;
    if (window.count > LOGIN_LIMIT.attempts) {
      const retryAfter = Math.max(1, Math.ceil((window.start + LOGIN_LIMIT.windowMs - now) / 1000));
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

  private sweep(now = Date.now()): void {
    for (const [key, window] of this.windows) if (now - window.start >= LOGIN_LIMIT.windowMs) this.windows.delete(key);
  }
}
