import { isAbsolute, resolve } from 'node:path';
import { validate as isValidCron } from 'node-cron';
import { PASSWORD_RULES, passwordProblems } from '../common/password-rules.js';
import { DATABASE_SSL_MODES, readPemCertificates, TLS_URL_PARAMETERS, type DatabaseSsl } from './database-ssl.js';
import { DEFAULT_MFA_ROLES, parseCidrs, parseRoles, parseTrustProxy } from './security-settings.js';
import { parseStorageUrl, type StorageTarget } from './storage-url.js';

export type { DatabaseSsl, DatabaseSslMode } from './database-ssl.js';

/**
 * The service's whole configuration, read once from the environment at boot.
 * Nothing else in the code reads `process.env`: modules receive this object.
 */
export interface AppConfig {
  port: number;
  /** Unset → an embedded PostgreSQL in `dataDir`. */
  databaseUrl: string | undefined;
  /** DATABASE_SSL (+ DATABASE_SSL_CA): TLS to the DATABASE_URL server; the embedded database ignores it. */
  databaseSsl: DatabaseSsl;
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
  /** Overdue major findings climb one region level per this many days (ESCALATION_STEP_DAYS). */
  escalationStepDays: number;
  deadlineDaysGeneral: number;
  deadlineDaysMajor: number;
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  /** CHANNEL_ALLOW_ANY_HOST: work-group robot URLs may be on any host (tests, proxies). */
  channelAllowAnyHost: boolean;
  /** PUBLIC_BASE_URL: where the public reaches this service (no trailing slash): documents' QR codes open `${publicBaseUrl}/verify/<code>`, messages link the UI. */
  publicBaseUrl: string | undefined;
  corsOrigins: string[];
  /** Requests per client (token, else IP) and minute; 0 = no limit. */
  rateLimitPerMinute: number;
  /** `intl` (SHA-256, AES-256-GCM) or `gm` (国密: SM3, SM4-CBC + HMAC-SM3). */
  cryptoSuite: CryptoSuiteName;
  /** The audit chain's algorithm for new events (HMAC keyed by AUDIT_KEY). */
  auditHash: AuditHashName;
  /** DATA_KEY: keys for personal data, newest first; unset only on the embedded database (generated into `dataDir`). */
  dataKeys: DataKey[] | undefined;
  /** AUDIT_KEY: the audit chain's HMAC key; unset only on the embedded database (generated into `dataDir`). */
  auditKey: string | undefined;
  /** A password older than this must be changed at login; 0 = never. */
  passwordMaxAgeDays: number;
  /** Consecutive failed logins that lock an account, and for how long. */
  lockoutThreshold: number;
  lockoutMinutes: number;
  /** Access tokens live this long; the refresh token renews them (ACCESS_TOKEN_MINUTES). */
  accessTokenMinutes: number;
  /** A session unused this long ends (SESSION_IDLE_MINUTES); none lives longer than 12 hours. */
  sessionIdleMinutes: number;
  /** Roles that must log in with a TOTP code (MFA_REQUIRED_ROLES; empty: none). */
  mfaRequiredRoles: string[];
  /** Accounts without a login for this many days are disabled by the daily job; 0 = never. */
  dormantDays: number;
  /** Where admin, security_admin and auditor may work from (CIDR blocks); empty: anywhere. */
  adminAllowedCidrs: string[];
  /** Express's `trust proxy` (TRUST_PROXY): which proxies' X-Forwarded-For names the client; unset: none. */
  trustProxy: number | string[] | undefined;
  seedDemo: boolean;
  logLevel: LogLevel;
}

/** The config the app runs with: the secrets are always known by then (given, or generated into DATA_DIR). */
export type RuntimeConfig = AppConfig & { jwtSecret: string; dataKeys: DataKey[]; auditKey: string };

export const CRYPTO_SUITES = ['intl', 'gm'] as const;
export type CryptoSuiteName = (typeof CRYPTO_SUITES)[number];
export const AUDIT_HASHES = ['sha256', 'sm3'] as const;
export type AuditHashName = (typeof AUDIT_HASHES)[number];

/** A data-encryption key and its version (stored with every value it encrypts, so keys can rotate). */
export interface DataKey {
  version: number;
  secret: string;
}

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
  const databaseSsl = readDatabaseSsl(read, cwd);
  const dataDir = resolvePath(cwd, read('DATA_DIR') ?? './data');
  const jwtSecret = optional(read, 'JWT_SECRET', parseJwtSecret);
  if (databaseUrl && !jwtSecret) {
    throw new ConfigError('JWT_SECRET', 'is required when DATABASE_URL is set (at least 32 bytes)');
  }
  const dataKeys = optional(read, 'DATA_KEY', parseDataKeys);
  if (databaseUrl && !dataKeys) throw new ConfigError('DATA_KEY', 'is required when DATABASE_URL is set (at least 32 characters)');
  const auditKey = optional(read, 'AUDIT_KEY', parseKey);
  if (databaseUrl && !auditKey) throw new ConfigError('AUDIT_KEY', 'is required when DATABASE_URL is set (at least 32 characters)');
  const cryptoSuite = withDefault(read, 'CRYPTO_SUITE', 'intl', (v) => parseOneOf(v, CRYPTO_SUITES));
  const webhookUrl = optional(read, 'WEBHOOK_URL', parseHttpUrl);
  const webhookSecret = read('WEBHOOK_SECRET');
  if (webhookUrl && !webhookSecret) {
    throw new ConfigError('WEBHOOK_SECRET', 'is required when WEBHOOK_URL is set');
  }

  const adminUsername = withDefault(read, 'ADMIN_USERNAME', 'admin', parseUsername);
  const adminPassword = optional(read, 'ADMIN_PASSWORD', parsePassword);
  if (adminPassword && passwordProblems(adminPassword, adminUsername).length > 0)
    throw new ConfigError('ADMIN_PASSWORD', 'must not contain ADMIN_USERNAME');
  const storageDir = resolvePath(cwd, read('STORAGE_DIR') ?? resolve(dataDir, 'storage'));
  const storageUrl = optional(read, 'STORAGE_URL', (v) =>
    parseStorageUrl(v, { accessKeyId: read('AWS_ACCESS_KEY_ID'), secretAccessKey: read('AWS_SECRET_ACCESS_KEY') }),
  );

  return {
    port: withDefault(read, 'PORT', 3000, (v) => parseInteger(v, 1, 65535, 'a port number (1–65535)')),
    databaseUrl,
    databaseSsl,
    dataDir,
    timeZone: withDefault(read, 'TZ', 'Asia/Shanghai', parseTimeZone),
    jwtSecret,
    adminUsername,
    adminPassword,
    uploadMaxBytes: withDefault(read, 'UPLOAD_MAX_BYTES', 10 * 1024 * 1024, (v) =>
      parseInteger(v, 1, 1024 * 1024 * 1024, 'a size in bytes between 1 and 1073741824'),
    ),
    storageDir,
    storage: storageUrl ?? { kind: 'local', dir: storageDir },
    deadlinesCron: withDefault(read, 'DEADLINES_CRON', '0 8 * * *', parseCron),
    reminderDays: withDefault(read, 'REMINDER_DAYS', 3, (v) => parseInteger(v, 0, 365, 'a whole number of days (0–365)')),
    escalationStepDays: withDefault(read, 'ESCALATION_STEP_DAYS', 7, (v) => parseInteger(v, 1, 365, 'a whole number of days (1–365)')),
    deadlineDaysGeneral: withDefault(read, 'DEADLINE_DAYS_GENERAL', 15, (v) => parseInteger(v, 1, 3650, 'a whole number of days (1–3650)')),
    deadlineDaysMajor: withDefault(read, 'DEADLINE_DAYS_MAJOR', 30, (v) => parseInteger(v, 1, 3650, 'a whole number of days (1–3650)')),
    webhookUrl,
    webhookSecret,
    channelAllowAnyHost: withDefault(read, 'CHANNEL_ALLOW_ANY_HOST', false, parseBoolean),
    publicBaseUrl: optional(read, 'PUBLIC_BASE_URL', parseBaseUrl),
    corsOrigins: withDefault(read, 'CORS_ORIGINS', [], parseOrigins),
    rateLimitPerMinute: withDefault(read, 'RATE_LIMIT_PER_MINUTE', 3000, (v) =>
      parseInteger(v, 0, 1_000_000, 'a whole number of requests per minute (0 = no limit)'),
    ),
    cryptoSuite,
    auditHash: withDefault(read, 'AUDIT_HASH', cryptoSuite === 'gm' ? 'sm3' : 'sha256', (v) => parseOneOf(v, AUDIT_HASHES)),
    dataKeys,
    auditKey,
    passwordMaxAgeDays: withDefault(read, 'PASSWORD_MAX_AGE_DAYS', 90, (v) =>
      parseInteger(v, 0, 3650, 'a whole number of days (0–3650, 0 = never)'),
    ),
    lockoutThreshold: withDefault(read, 'LOCKOUT_THRESHOLD', 5, (v) => parseInteger(v, 1, 100, 'a whole number of failed logins (1–100)')),
    lockoutMinutes: withDefault(read, 'LOCKOUT_MINUTES', 30, (v) => parseInteger(v, 1, 1440, 'a whole number of minutes (1–1440)')),
    accessTokenMinutes: withDefault(read, 'ACCESS_TOKEN_MINUTES', 15, (v) => parseInteger(v, 1, 720, 'a whole number of minutes (1–720)')),
    sessionIdleMinutes: withDefault(read, 'SESSION_IDLE_MINUTES', 30, (v) => parseInteger(v, 1, 720, 'a whole number of minutes (1–720)')),
    // the empty string means "no role": read the raw value, not `read` (which treats blank as unset)
    mfaRequiredRoles:
      env.MFA_REQUIRED_ROLES === undefined ? [...DEFAULT_MFA_ROLES] : wrap('MFA_REQUIRED_ROLES', env.MFA_REQUIRED_ROLES, parseRoles),
    dormantDays: withDefault(read, 'DORMANT_DAYS', 90, (v) => parseInteger(v, 0, 3650, 'a whole number of days (0–3650, 0 = never)')),
    adminAllowedCidrs: withDefault(read, 'ADMIN_ALLOWED_CIDRS', [], parseCidrs),
    trustProxy: optional(read, 'TRUST_PROXY', parseTrustProxy),
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
  // node-postgres lets TLS settings in the URL override ours: one place says how we connect
  const tls = [...url.searchParams.keys()].find((k) => TLS_URL_PARAMETERS.includes(k.toLowerCase()));
  if (tls)
    throw new Error(`sets ${tls} in its query: say it with DATABASE_SSL (disable, require or verify-full) and DATABASE_SSL_CA instead`);
  return value;
}

function readDatabaseSsl(read: (name: string) => string | undefined, cwd: string): DatabaseSsl {
  const mode = withDefault(read, 'DATABASE_SSL', 'disable', (v) => parseOneOf(v, DATABASE_SSL_MODES));
  const caFile = optional(read, 'DATABASE_SSL_CA', (v) => resolvePath(cwd, v));
  if (caFile === undefined) return { mode };
  if (mode !== 'verify-full') throw new ConfigError('DATABASE_SSL_CA', 'is used only with DATABASE_SSL=verify-full');
  return { mode, caFile, ca: wrap('DATABASE_SSL_CA', caFile, readPemCertificates) };
}

function parseOneOf<T extends string>(value: string, allowed: readonly T[]): T {
  const v = value.toLowerCase();
  if (!(allowed as readonly string[]).includes(v)) throw new Error(`${show(value)} is not one of ${allowed.join(', ')}`);
  return v as T;
}

function parseKey(value: string): string {
  if (value.length < 32) throw new Error('must be at least 32 characters long');
  return value;
}

/** `secret` (version 1), or `3:newest,2:older,…` while keys rotate: the first encrypts, all decrypt. */
function parseDataKeys(value: string): DataKey[] {
  const keys = value.split(',').map((part, i) => {
    const m = /^(\d{1,6}):(.+)$/.exec(part.trim());
    if (!m && i > 0) throw new Error('lists several keys as version:secret, newest first');
    return { version: m ? Number(m[1]) : 1, secret: parseKey(m ? m[2] : part.trim()) };
  });
  if (new Set(keys.map((k) => k.version)).size !== keys.length) throw new Error('names one key version twice');
  return keys;
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

function parseBaseUrl(value: string): string {
  parseHttpUrl(value);
  const url = new URL(value);
  if (url.search || url.hash || url.username || url.password) {
    throw new Error(`${show(value)} must be a plain http(s) base URL, without query, fragment or credentials`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
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
  const problems = passwordProblems(value, '');
  if (problems.length > 0)
    throw new Error(
      `does not meet the password rules: at least ${PASSWORD_RULES.minLength} characters with three of lower case, upper case, digits and symbols`,
    );
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
