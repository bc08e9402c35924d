import type { AppConfig, DatabaseSsl } from '../config/config.js';

export const NO_SSL: DatabaseSsl = { mode: 'disable' };

/** node-postgres's `ssl` option: false, or the options it passes to `tls.connect`. */
export type PgSsl = false | { rejectUnauthorized: boolean; ca?: string };

/** The TLS settings of the service's database: DATABASE_SSL with DATABASE_URL; the embedded database is local and never uses TLS. */
export function databaseSsl(config: Pick<AppConfig, 'databaseUrl' | 'databaseSsl'>): DatabaseSsl {
  return config.databaseUrl ? config.databaseSsl : NO_SSL;
}

/**
 * The `ssl` option of every pg client and pool. With verify-full the
 * certificate must chain to `ca` (else Node's default CAs) and name the host:
 * node-postgres sets `servername` to a host name itself (and, for an IP
 * address, where SNI is not allowed, passes it as `host`), so `tls.connect`
 * checks the name or address of DATABASE_URL against the certificate.
 */
export function pgSsl(ssl: DatabaseSsl): PgSsl {
  switch (ssl.mode) {
    case 'disable':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-full':
      return ssl.ca ? { rejectUnauthorized: true, ca: ssl.ca } : { rejectUnauthorized: true };
  }
}

/**
 * The same for libpq's tools (pg_dump, pg_restore), as the connection URI's
 * `sslmode` and `sslrootcert` (libpq's PGSSLMODE and PGSSLROOTCERT). Without
 * DATABASE_SSL_CA, verify-full trusts the system's CAs (`sslrootcert=system`,
 * libpq 16 or later).
 */
export function libpqSslParams(ssl: DatabaseSsl): Record<string, string> {
  if (ssl.mode !== 'verify-full') return { sslmode: ssl.mode };
  return { sslmode: 'verify-full', sslrootcert: ssl.caFile ?? 'system' };
}

/** DATABASE_URL for libpq's tools, with the TLS settings in its query. */
export function libpqUrl(url: string, ssl: DatabaseSsl): string {
  const u = new URL(url);
  for (const [name, value] of Object.entries(libpqSslParams(ssl))) u.searchParams.set(name, value);
  return u.toString();
}

/** A connection refused for its TLS settings: retrying will not help, the settings or the certificates must change. */
export class DatabaseTlsError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'DatabaseTlsError';
  }
}

const CERTIFICATE_CODES = /CERT|SELF_SIGNED|UNABLE_TO_|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH/;

/**
 * A connection error that comes from TLS, in words an operator can act on
 * (a DatabaseTlsError); any other error unchanged.
 */
export function explainConnectError(error: unknown, ssl: DatabaseSsl): unknown {
  // not `instanceof Error`: Node's TLS errors may come from another realm (a test's VM context)
  if (typeof error !== 'object' || error === null || typeof (error as Error).message !== 'string') return error;
  const { message, code = '' } = error as { message: string; code?: string };
  const setting = `DATABASE_SSL=${ssl.mode}`;
  if (ssl.mode !== 'disable' && /does not support SSL/i.test(message)) {
    return new DatabaseTlsError(`${setting}, but the database server does not support SSL connections`, { cause: error });
  }
  if (ssl.mode !== 'disable' && CERTIFICATE_CODES.test(code)) {
    const hint =
      ssl.mode === 'verify-full'
        ? ssl.caFile
          ? `is it signed by the CA in DATABASE_SSL_CA (${ssl.caFile}), and does it name the host of DATABASE_URL?`
          : 'is it signed by a CA Node trusts (else set DATABASE_SSL_CA), and does it name the host of DATABASE_URL?'
        : 'see the cause';
    return new DatabaseTlsError(`${setting}: the database server's certificate was refused (${message}); ${hint}`, { cause: error });
  }
  if (ssl.mode === 'disable' && /no encryption/i.test(message)) {
    return new DatabaseTlsError(`the database server accepts only encrypted connections (${message}): set DATABASE_SSL`, {
      cause: error,
    });
  }
  return error;
}
