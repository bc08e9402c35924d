import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from './config.js';

/** A CA certificate (its key was thrown away): DATABASE_SSL_CA only has to read and parse it. */
const CA_FILE = resolve('test/fixtures/tls/example-ca.pem');

const SECRET = 'a-secret-of-at-least-thirty-two-bytes!!';

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, '/srv/paicha');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the documented defaults on an empty environment (embedded database)', () => {
    const config = loadConfig({}, '/srv/paicha');
    expect(config).toEqual({
      port: 3000,
      databaseUrl: undefined,
      databaseSsl: { mode: 'disable' },
      dataDir: '/srv/paicha/data',
      timeZone: 'Asia/Shanghai',
      jwtSecret: undefined,
      adminUsername: 'admin',
      adminPassword: undefined,
      uploadMaxBytes: 10 * 1024 * 1024,
      storageDir: '/srv/paicha/data/storage',
      storage: { kind: 'local', dir: '/srv/paicha/data/storage' },
      deadlinesCron: '0 8 * * *',
      reminderDays: 3,
      escalationStepDays: 7,
      deadlineDaysGeneral: 15,
      deadlineDaysMajor: 30,
      webhookUrl: undefined,
      webhookSecret: undefined,
      channelAllowAnyHost: false,
      publicBaseUrl: undefined,
      corsOrigins: [],
      rateLimitPerMinute: 3000,
      cryptoSuite: 'intl',
      auditHash: 'sha256',
      dataKeys: undefined,
      auditKey: undefined,
      passwordMaxAgeDays: 90,
      lockoutThreshold: 5,
      lockoutMinutes: 30,
      accessTokenMinutes: 15,
      sessionIdleMinutes: 30,
      mfaRequiredRoles: ['admin', 'security_admin', 'auditor', 'bureau'],
      dormantDays: 90,
      adminAllowedCidrs: [],
      trustProxy: undefined,
      seedDemo: true,
      logLevel: 'info',
    });
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        DATABASE_URL: 'postgres://u:p@db:5432/paicha',
        DATABASE_SSL: 'Verify-Full',
        DATABASE_SSL_CA: CA_FILE,
        DATA_DIR: 'var',
        TZ: 'Asia/Urumqi',
        JWT_SECRET: SECRET,
        ADMIN_USERNAME: 'root.admin',
        ADMIN_PASSWORD: 'Str0ng-enough',
        UPLOAD_MAX_BYTES: '2048',
        STORAGE_DIR: '/mnt/files',
        DEADLINES_CRON: '*/5 * * * *',
        REMINDER_DAYS: '5',
        ESCALATION_STEP_DAYS: '3',
        CHANNEL_ALLOW_ANY_HOST: 'true',
        DEADLINE_DAYS_GENERAL: '10',
        DEADLINE_DAYS_MAJOR: '60',
        WEBHOOK_URL: 'https://hooks.example.cn/paicha',
        WEBHOOK_SECRET: 'shh',
        PUBLIC_BASE_URL: 'https://paicha.example.cn/app/',
        CORS_ORIGINS: 'https://a.example, http://localhost:5173',
        RATE_LIMIT_PER_MINUTE: '120',
        DATA_KEY: '2:new-data-key-0123456789-0123456789, 1:old-data-key-0123456789-0123456789',
        AUDIT_KEY: 'audit-key-0123456789-0123456789-abc',
        CRYPTO_SUITE: 'GM',
        PASSWORD_MAX_AGE_DAYS: '0',
        LOCKOUT_THRESHOLD: '3',
        LOCKOUT_MINUTES: '15',
        ACCESS_TOKEN_MINUTES: '5',
        SESSION_IDLE_MINUTES: '20',
        MFA_REQUIRED_ROLES: 'Security_Admin, auditor',
        DORMANT_DAYS: '0',
        ADMIN_ALLOWED_CIDRS: '10.0.0.0/8, 192.168.1.7, fd00::/8',
        TRUST_PROXY: 'loopback, 10.1.0.0/16',
        SEED_DEMO: 'true',
        LOG_LEVEL: 'WARN',
      },
      '/srv/paicha',
    );
    expect(config).toEqual({
      port: 8080,
      databaseUrl: 'postgres://u:p@db:5432/paicha',
      databaseSsl: { mode: 'verify-full', caFile: CA_FILE, ca: readFileSync(CA_FILE, 'utf8') },
      dataDir: '/srv/paicha/var',
      timeZone: 'Asia/Urumqi',
      jwtSecret: SECRET,
      adminUsername: 'root.admin',
      adminPassword: 'Str0ng-enough',
      uploadMaxBytes: 2048,
      storageDir: '/mnt/files',
      storage: { kind: 'local', dir: '/mnt/files' },
      deadlinesCron: '*/5 * * * *',
      reminderDays: 5,
      escalationStepDays: 3,
      deadlineDaysGeneral: 10,
      deadlineDaysMajor: 60,
      webhookUrl: 'https://hooks.example.cn/paicha',
      webhookSecret: 'shh',
      channelAllowAnyHost: true,
      publicBaseUrl: 'https://paicha.example.cn/app',
      corsOrigins: ['https://a.example', 'http://localhost:5173'],
      rateLimitPerMinute: 120,
      cryptoSuite: 'gm',
      auditHash: 'sm3',
      dataKeys: [
        { version: 2, secret: 'new-data-key-0123456789-0123456789' },
        { version: 1, secret: 'old-data-key-0123456789-0123456789' },
      ],
      auditKey: 'audit-key-0123456789-0123456789-abc',
      passwordMaxAgeDays: 0,
      lockoutThreshold: 3,
      lockoutMinutes: 15,
      accessTokenMinutes: 5,
      sessionIdleMinutes: 20,
      mfaRequiredRoles: ['security_admin', 'auditor'],
      dormantDays: 0,
      adminAllowedCidrs: ['10.0.0.0/8', '192.168.1.7', 'fd00::/8'],
      trustProxy: ['loopback', '10.1.0.0/16'],
      seedDemo: true,
      logLevel: 'warn',
    });
  });

  it('reads MFA_REQUIRED_ROLES set to the empty string as no role', () => {
    expect(loadConfig({ MFA_REQUIRED_ROLES: '' }).mfaRequiredRoles).toEqual([]);
    expect(loadConfig({ MFA_REQUIRED_ROLES: ' ' }).mfaRequiredRoles).toEqual([]);
  });

  it('defaults SEED_DEMO to false with DATABASE_URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://db/x', JWT_SECRET: SECRET, DATA_KEY: SECRET, AUDIT_KEY: SECRET }).seedDemo).toBe(false);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT', 'Invalid environment variable PORT: "abc" is not a port number (1–65535)'],
    [{ PORT: '70000' }, 'PORT', 'Invalid environment variable PORT: "70000" is not a port number (1–65535)'],
    [{ PORT: '3000.5' }, 'PORT', 'Invalid environment variable PORT: "3000.5" is not a port number (1–65535)'],
    [
      { DEADLINES_CRON: 'nonsense' },
      'DEADLINES_CRON',
      'Invalid environment variable DEADLINES_CRON: "nonsense" is not a cron expression (e.g. "0 8 * * *")',
    ],
    [
      { UPLOAD_MAX_BYTES: '-1' },
      'UPLOAD_MAX_BYTES',
      'Invalid environment variable UPLOAD_MAX_BYTES: "-1" is not a size in bytes between 1 and 1073741824',
    ],
    [{ TZ: 'Mars/Olympus' }, 'TZ', 'Invalid environment variable TZ: "Mars/Olympus" is not an IANA time zone (e.g. Asia/Shanghai)'],
    [{ SEED_DEMO: 'maybe' }, 'SEED_DEMO', 'Invalid environment variable SEED_DEMO: "maybe" is not a boolean (true or false)'],
    [{ REMINDER_DAYS: '1e3' }, 'REMINDER_DAYS', 'Invalid environment variable REMINDER_DAYS: "1e3" is not a whole number of days (0–365)'],
    [{ DEADLINE_DAYS_GENERAL: '0' }, 'DEADLINE_DAYS_GENERAL', expect.stringContaining('DEADLINE_DAYS_GENERAL')],
    [{ DEADLINE_DAYS_MAJOR: 'x' }, 'DEADLINE_DAYS_MAJOR', expect.stringContaining('DEADLINE_DAYS_MAJOR')],
    [{ ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD', expect.stringContaining('ADMIN_PASSWORD: does not meet the password rules')],
    [
      { ADMIN_PASSWORD: 'onlylowercaseletters' },
      'ADMIN_PASSWORD',
      expect.stringContaining('three of lower case, upper case, digits and symbols'),
    ],
    [
      { ADMIN_USERNAME: 'chief', ADMIN_PASSWORD: 'Chief-2026!' },
      'ADMIN_PASSWORD',
      'Invalid environment variable ADMIN_PASSWORD: must not contain ADMIN_USERNAME',
    ],
    [{ ADMIN_USERNAME: 'a b' }, 'ADMIN_USERNAME', expect.stringContaining('ADMIN_USERNAME')],
    [{ DATABASE_URL: 'mysql://db/x', JWT_SECRET: SECRET }, 'DATABASE_URL', expect.stringContaining('DATABASE_URL: protocol "mysql:"')],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL', expect.stringContaining('DATABASE_URL: is not a URL')],
    [
      { DATABASE_URL: 'postgres://db/x', JWT_SECRET: SECRET },
      'DATA_KEY',
      'Invalid environment variable DATA_KEY: is required when DATABASE_URL is set (at least 32 characters)',
    ],
    [
      { DATABASE_URL: 'postgres://db/x', JWT_SECRET: SECRET, DATA_KEY: SECRET },
      'AUDIT_KEY',
      'Invalid environment variable AUDIT_KEY: is required when DATABASE_URL is set (at least 32 characters)',
    ],
    [
      { DATABASE_URL: 'postgres://db/x' },
      'JWT_SECRET',
      'Invalid environment variable JWT_SECRET: is required when DATABASE_URL is set (at least 32 bytes)',
    ],
    [{ JWT_SECRET: 'too-short' }, 'JWT_SECRET', 'Invalid environment variable JWT_SECRET: must be at least 32 bytes long'],
    [{ WEBHOOK_URL: 'ftp://x' }, 'WEBHOOK_URL', expect.stringContaining('WEBHOOK_URL')],
    [{ ESCALATION_STEP_DAYS: '0' }, 'ESCALATION_STEP_DAYS', expect.stringContaining('ESCALATION_STEP_DAYS')],
    [{ CHANNEL_ALLOW_ANY_HOST: 'maybe' }, 'CHANNEL_ALLOW_ANY_HOST', expect.stringContaining('not a boolean')],
    [{ PUBLIC_BASE_URL: 'paicha.example.cn' }, 'PUBLIC_BASE_URL', expect.stringContaining('is not a URL')],
    [
      { WEBHOOK_URL: 'https://hooks.example.cn' },
      'WEBHOOK_SECRET',
      'Invalid environment variable WEBHOOK_SECRET: is required when WEBHOOK_URL is set',
    ],
    [{ RATE_LIMIT_PER_MINUTE: '-1' }, 'RATE_LIMIT_PER_MINUTE', expect.stringContaining('requests per minute')],
    [{ DATA_KEY: 'short' }, 'DATA_KEY', 'Invalid environment variable DATA_KEY: must be at least 32 characters long'],
    [
      { DATA_KEY: '1:data-key-0123456789-0123456789-abc,1:data-key-0123456789-0123456789-abd' },
      'DATA_KEY',
      expect.stringContaining('twice'),
    ],
    [{ AUDIT_KEY: 'short' }, 'AUDIT_KEY', 'Invalid environment variable AUDIT_KEY: must be at least 32 characters long'],
    [{ CRYPTO_SUITE: 'des' }, 'CRYPTO_SUITE', expect.stringContaining('intl, gm')],
    [{ AUDIT_HASH: 'md5' }, 'AUDIT_HASH', expect.stringContaining('sha256, sm3')],
    [{ ACCESS_TOKEN_MINUTES: '0' }, 'ACCESS_TOKEN_MINUTES', expect.stringContaining('minutes (1–720)')],
    [{ SESSION_IDLE_MINUTES: '721' }, 'SESSION_IDLE_MINUTES', expect.stringContaining('minutes (1–720)')],
    [{ MFA_REQUIRED_ROLES: 'admin,root' }, 'MFA_REQUIRED_ROLES', expect.stringContaining('"root" is not a role')],
    [{ DORMANT_DAYS: '-1' }, 'DORMANT_DAYS', expect.stringContaining('DORMANT_DAYS')],
    [{ ADMIN_ALLOWED_CIDRS: '10.0.0.0/33' }, 'ADMIN_ALLOWED_CIDRS', expect.stringContaining('prefix length (0–32)')],
    [{ ADMIN_ALLOWED_CIDRS: 'intranet' }, 'ADMIN_ALLOWED_CIDRS', expect.stringContaining('not an address or CIDR block')],
    [{ TRUST_PROXY: 'everyone' }, 'TRUST_PROXY', expect.stringContaining('TRUST_PROXY')],
    [{ CORS_ORIGINS: 'https://a.example/path' }, 'CORS_ORIGINS', expect.stringContaining('CORS_ORIGINS')],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', expect.stringContaining('LOG_LEVEL')],
    [
      { DATABASE_SSL: 'prefer' },
      'DATABASE_SSL',
      'Invalid environment variable DATABASE_SSL: "prefer" is not one of disable, require, verify-full',
    ],
    [
      { DATABASE_SSL: 'verify-full', DATABASE_SSL_CA: '/nonexistent/ca.pem' },
      'DATABASE_SSL_CA',
      'Invalid environment variable DATABASE_SSL_CA: cannot read "/nonexistent/ca.pem" (no such file)',
    ],
    [
      { DATABASE_SSL: 'verify-full', DATABASE_SSL_CA: resolve('package.json') },
      'DATABASE_SSL_CA',
      `Invalid environment variable DATABASE_SSL_CA: ${JSON.stringify(resolve('package.json'))} holds no PEM certificate`,
    ],
    [
      { DATABASE_SSL: 'require', DATABASE_SSL_CA: '/etc/ssl/ca.pem' },
      'DATABASE_SSL_CA',
      'Invalid environment variable DATABASE_SSL_CA: is used only with DATABASE_SSL=verify-full',
    ],
    [
      { DATABASE_URL: 'postgres://db/x?sslmode=require', JWT_SECRET: SECRET },
      'DATABASE_URL',
      'Invalid environment variable DATABASE_URL: sets sslmode in its query: say it with DATABASE_SSL (disable, require or verify-full) and DATABASE_SSL_CA instead',
    ],
    [
      { PUBLIC_BASE_URL: 'paicha.example.cn' },
      'PUBLIC_BASE_URL',
      expect.stringContaining('PUBLIC_BASE_URL: "paicha.example.cn" is not a URL'),
    ],
    [{ PUBLIC_BASE_URL: 'https://x.cn/?a=1' }, 'PUBLIC_BASE_URL', expect.stringContaining('without query, fragment or credentials')],
    [{ STORAGE_URL: 'http://bucket/x' }, 'STORAGE_URL', expect.stringContaining('is not s3:')],
    [{ STORAGE_URL: 's3://Bad_Bucket' }, 'STORAGE_URL', expect.stringContaining('not a valid bucket name')],
    [{ STORAGE_URL: 's3://files?endpoint=nope' }, 'STORAGE_URL', expect.stringContaining('endpoint "nope" is not a URL')],
    [{ STORAGE_URL: 's3://files?forcePathStyle=maybe' }, 'STORAGE_URL', expect.stringContaining('forcePathStyle')],
    [{ STORAGE_URL: 's3://files?bucket=x' }, 'STORAGE_URL', expect.stringContaining('unknown parameter "bucket"')],
    [{ STORAGE_URL: 's3://files', AWS_ACCESS_KEY_ID: 'k' }, 'STORAGE_URL', expect.stringContaining('AWS_SECRET_ACCESS_KEY')],
  ])('rejects %j naming %s', (env, variable, message) => {
    const error = errorOf(env as Record<string, string>);
    expect(error.variable).toBe(variable);
    expect(error.message).toEqual(message);
  });

  it('reads an S3 STORAGE_URL with its credentials', () => {
    const config = loadConfig({
      STORAGE_URL: 's3://paicha-files/prod/photos/?endpoint=http://127.0.0.1:9000/&region=cn-north-1',
      AWS_ACCESS_KEY_ID: 'key',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    expect(config.storage).toEqual({
      kind: 's3',
      bucket: 'paicha-files',
      prefix: 'prod/photos/',
      endpoint: 'http://127.0.0.1:9000',
      region: 'cn-north-1',
      forcePathStyle: true,
      accessKeyId: 'key',
      secretAccessKey: 'secret',
    });
    expect(loadConfig({ STORAGE_URL: 's3://files?forcePathStyle=false' }).storage).toMatchObject({ prefix: '', forcePathStyle: false });
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ PORT: '  ', TZ: '' }).port).toBe(3000);
  });
});
