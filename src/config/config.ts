import { isAbsolute, resolve } from 'node:path';
import { validate as isValidCron } from 'node-cron';
import { parseStorageUrl, type StorageTarget } from './storage-url.js';

/**
 * The service's whole configuration, read once from the environment at boot.
 * Nothing else in the code reads `process.env`: modules receive this object.
 */
export interface AppConfig {
  port: number;
  /** Unset → an embedded PostgreSQL in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  timeZone: string;
  /** Unset is allowed only on the embedded database, where one is generated and kept in `dataDir`. */
  jwtSecret: string | undefined;
  adminUsername: string;
  adminPassword: string | undefined;
  uploadMaxBytes: number;
  storageDir: string;
  /** Where files live: the local `storageDir` (default) or an S3-compatible bucket (`STORAGE_URL`). */
  storage: StorageTarget;
  deadlinesCron: string;
  reminderDays: number;
  deadlineDaysGeneral: number;
  deadlineDaysMajor: number;
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  corsOrigins: string[];
  /** Requests per client (token, else IP) and minute; 0 = no limit. */
  rateLimitPerMinute: number;
  seedDemo: boolean;
  logLevel: LogLevel;
}

/** The config the app runs with: the JWT secret is always known by then (given, or generated into DATA_DIR). */
export type RuntimeConfig = AppConfig & { jwtSecret: string };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A bad environment variable: the message names it and is printed as the one line of a failed boot. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Invalid environment variable ${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads and validates the environment. Throws a ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): AppConfig {
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };

  const databaseUrl = optional(read, 'DATABASE_URL', parseDatabaseUrl);
  const dataDir = resolvePath(cwd, read('DATA_DIR') ?? './data');
  const jwtSecret = optional(read, 'JWT_SECRET', parseJwtSecret);
  if (databaseUrl && !jwtSecret) {
    throw new ConfigError('JWT_SECRET', 'is required when DATABASE_URL is set (at least 32 bytes)');
  }
  const webhookUrl = optional(read, 'WEBHOOK_URL', parseHttpUrl);
  const webhookSecret = read('WEBHOOK_SECRET');
  if (webhookUrl && !webhookSecret) {
    throw new ConfigError('WEBHOOK_SECRET', 'is required when WEBHOOK_URL is set');
  }

  const storageDir = resolvePath(cwd, read('STORAGE_DIR') ?? resolve(dataDir, 'storage'));
  const storageUrl = optional(read, 'STORAGE_URL', (v) =>
    parseStorageUrl(v, { accessKeyId: read('AWS_ACCESS_KEY_ID'), secretAccessKey: read('AWS_SECRET_ACCESS_KEY') }),
  );

  return {
    port: withDefault(read, 'PORT', 3000, (v) => parseInteger(v, 1, 65535, 'a port number (1–65535)')),
    databaseUrl,
    dataDir,
    timeZone: withDefault(read, 'TZ', 'Asia/Shanghai', parseTimeZone),
    jwtSecret,
    adminUsername: withDefault(read, 'ADMIN_USERNAME', 'admin', parseUsername),
    adminPassword: optional(read, 'ADMIN_PASSWORD', parsePassword),
    uploadMaxBytes: withDefault(read, 'UPLOAD_MAX_BYTES', 10 * 1024 * 1024, (v) =>
      parseInteger(v, 1, 1024 * 1024 * 1024, 'a size in bytes between 1 and 1073741824'),
    ),
    storageDir,
    storage: storageUrl ?? { kind: 'local', dir: storageDir },
    deadlinesCron: withDefault(read, 'DEADLINES_CRON', '0 8 * * *', parseCron),
    reminderDays: withDefault(read, 'REMINDER_DAYS', 3, (v) => parseInteger(v, 0, 365, 'a whole number of days (0–365)')),
    deadlineDaysGeneral: withDefault(read, 'DEADLINE_DAYS_GENERAL', 15, (v) => parseInteger(v, 1, 3650, 'a whole number of days (1–3650)')),
    deadlineDaysMajor: withDefault(read, 'DEADLINE_DAYS_MAJOR', 30, (v) => parseInteger(v, 1, 3650, 'a whole number of days (1–3650)')),
    webhookUrl,
    webhookSecret,
    corsOrigins: withDefault(read, 'CORS_ORIGINS', [], parseOrigins),
    rateLimitPerMinute: withDefault(read, 'RATE_LIMIT_PER_MINUTE', 3000, (v) =>
      parseInteger(v, 0, 1_000_000, 'a whole number of requests per minute (0 = no limit)'),
    ),
    seedDemo: withDefault(read, 'SEED_DEMO', databaseUrl === undefined, parseBoolean),
    logLevel: withDefault(read, 'LOG_LEVEL', 'info', parseLogLevel),
  };
}

type Parser<T> = (value: string) => T;

function optional<T>(read: (name: string) => string | undefined, name: string, parse: Parser<T>): T | undefined {
  const raw = read(name);
  return raw === undefined ? undefined : wrap(name, raw, parse);
}

function withDefault<T>(read: (name: string) => string | undefined, name: string, fallback: T, parse: Parser<T>): T {
  const raw = read(name);
  return raw === undefined ? fallback : wrap(name, raw, parse);
}

function wrap<T>(name: string, raw: string, parse: Parser<T>): T {
  try {
    return parse(raw);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(name, reason);
  }
}

function show(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}

function parseInteger(value: string, min: number, max: number, what: string): number {
  if (!/^-?\d+$/.test(value)) throw new Error(`${show(value)} is not ${what}`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`${show(value)} is not ${what}`);
  return n;
}

function parseBoolean(value: string): boolean {
  const v = value.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new Error(`${show(value)} is not a boolean (true or false)`);
}

function parseDatabaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('is not a URL (expected postgres://user:password@host:5432/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(`protocol ${show(url.protocol)} is not postgres: (expected postgres://user:password@host:5432/database)`);
  }
  if (!url.hostname) throw new Error('has no host (expected postgres://user:password@host:5432/database)');
  return value;
}

function parseJwtSecret(value: string): string {
  if (Buffer.byteLength(value, 'utf8') < 32) throw new Error('must be at least 32 bytes long');
  return value;
}

function parseHttpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${show(value)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${show(value)} is not an http(s) URL`);
  return value;
}

function parseTimeZone(value: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    throw new Error(`${show(value)} is not an IANA time zone (e.g. Asia/Shanghai)`);
  }
}

function parseUsername(value: string): string {
  if (!/^[A-Za-z0-9_.-]{3,64}$/.test(value)) {
    throw new Error(`${show(value)} is not a username (3–64 letters, digits, '_', '.', '-')`);
  }
  return value;
}

function parsePassword(value: string): string {
  if ([...value].length < 10) throw new Error('must be at least 10 characters long');
  return value;
}

function parseCron(value: string): string {
  if (!isValidCron(value)) throw new Error(`${show(value)} is not a cron expression (e.g. "0 8 * * *")`);
  return value;
}

function parseOrigins(value: string): string[] {
  return value
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '')
    .map((origin) => {
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        throw new Error(`${show(origin)} is not an origin (e.g. https://paicha.example.cn)`);
      }
      if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== origin.replace(/\/$/, '')) {
        throw new Error(`${show(origin)} is not an origin (scheme://host[:port], no path)`);
      }
      return url.origin;
    });
}

function parseLogLevel(value: string): LogLevel {
  const v = value.toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(v)) throw new Error(`${show(value)} is not one of ${LOG_LEVELS.join(', ')}`);
  return v as LogLevel;
}

function resolvePath(cwd: string, value: string): string {
  return isAbsolute(value) ? value : resolve(cwd, value);
}
