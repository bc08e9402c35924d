import { describe, expect, it } from '@jest/globals';
import { databaseSsl, DatabaseTlsError, explainConnectError, libpqSslParams, libpqUrl, pgSsl } from './ssl.js';

describe('DATABASE_SSL for node-postgres and libpq', () => {
  it('maps each mode to the ssl option of pg and to PGSSLMODE/PGSSLROOTCERT', () => {
    expect(pgSsl({ mode: 'disable' })).toBe(false);
    expect(pgSsl({ mode: 'require' })).toEqual({ rejectUnauthorized: false });
    expect(pgSsl({ mode: 'verify-full' })).toEqual({ rejectUnauthorized: true });
    expect(pgSsl({ mode: 'verify-full', caFile: '/etc/ca.pem', ca: 'PEM' })).toEqual({ rejectUnauthorized: true, ca: 'PEM' });
    expect(libpqSslParams({ mode: 'disable' })).toEqual({ sslmode: 'disable' });
    expect(libpqSslParams({ mode: 'require' })).toEqual({ sslmode: 'require' });
    expect(libpqSslParams({ mode: 'verify-full' })).toEqual({ sslmode: 'verify-full', sslrootcert: 'system' });
    expect(
      libpqUrl('postgres://u:p%40ss@db.example.cn:5433/paicha', { mode: 'verify-full', caFile: '/etc/paicha/ca.pem', ca: 'PEM' }),
    ).toBe('postgres://u:p%40ss@db.example.cn:5433/paicha?sslmode=verify-full&sslrootcert=%2Fetc%2Fpaicha%2Fca.pem');
  });

  it('is ignored on the embedded database', () => {
    expect(databaseSsl({ databaseUrl: undefined, databaseSsl: { mode: 'verify-full' } })).toEqual({ mode: 'disable' });
    expect(databaseSsl({ databaseUrl: 'postgres://db/x', databaseSsl: { mode: 'require' } })).toEqual({ mode: 'require' });
  });

  it('explains TLS failures and leaves other errors alone', () => {
    const noSsl = explainConnectError(new Error('The server does not support SSL connections'), { mode: 'require' });
    expect(noSsl).toBeInstanceOf(DatabaseTlsError);
    expect((noSsl as Error).message).toBe('DATABASE_SSL=require, but the database server does not support SSL connections');
    const refused = Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect((explainConnectError(refused, { mode: 'verify-full', caFile: '/etc/ca.pem' }) as Error).message).toBe(
      "DATABASE_SSL=verify-full: the database server's certificate was refused (unable to verify the first certificate); " +
        'is it signed by the CA in DATABASE_SSL_CA (/etc/ca.pem), and does it name the host of DATABASE_URL?',
    );
    const plain = explainConnectError(new Error('no pg_hba.conf entry for host "10.0.0.1", user "u", database "d", no encryption'), {
      mode: 'disable',
    });
    expect((plain as Error).message).toMatch(/^the database server accepts only encrypted connections .*: set DATABASE_SSL$/);
    const other = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(explainConnectError(other, { mode: 'verify-full' })).toBe(other);
  });
});
