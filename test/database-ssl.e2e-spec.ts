import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, writeFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { withDatabase } from '../src/database/embedded-database.js';
import { startEmbeddedPostgres, type RunningPostgres } from '../src/database/embedded-postgres.js';
import { DISPOSABLE_SETTINGS } from '../src/database/scratch-server.js';
import { tempDataDir } from './helpers/processes.js';
import { createTestApp, TEST_AUDIT_KEY, TEST_DATA_KEY, TEST_JWT_SECRET, type TestApp } from './helpers/test-app.js';

const ADMIN = { ADMIN_USERNAME: 'chief', ADMIN_PASSWORD: 'Head-of-bureau-1' };

/** A CA, and a server certificate it signs for localhost and 127.0.0.1 (openssl CLI); another CA that signs nothing of ours. */
function makeCertificates(dir: string): { ca: string; otherCa: string; cert: string; key: string } {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const caExt = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Paicha test CA', ...caExt);
  openssl('req', '-x509', ...ec, '-keyout', 'other-ca.key', '-out', 'other-ca.pem', '-days', '2', '-subj', '/CN=Another CA', ...caExt);
  openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  writeFileSync(
    join(dir, 'server.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n',
  );
  openssl(
    ...['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', '2', '-days', '2'],
    ...['-extfile', 'server.ext', '-out', 'server.pem'],
  );
  // PostgreSQL reads its key only if no one else may: owned by the OS user it runs as (postgres, when we are root), mode 600
  const key = join(dir, 'server.key');
  if (userInfo().uid === 0) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(key, id('-u'), id('-g'));
  }
  chmodSync(key, 0o600);
  return { ca: join(dir, 'ca.pem'), otherCa: join(dir, 'other-ca.pem'), cert: join(dir, 'server.pem'), key };
}

/** Runs the built backup CLI as `npm run backup` does. */
function backupCli(out: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['dist/src/backup/cli.js', 'backup', '--out', out], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

/**
 * DATABASE_SSL against a real PostgreSQL 18 with `ssl=on` that accepts only
 * encrypted connections (pg_hba `hostssl`), its certificate made here for
 * localhost and 127.0.0.1 by a CA of the test; and one without SSL.
 */
describe('DATABASE_SSL: TLS between the service and PostgreSQL', () => {
  const dirs: string[] = [];
  let tlsServer: RunningPostgres;
  let plainServer: RunningPostgres;
  let files: ReturnType<typeof makeCertificates>;
  let tlsDb: string;
  let backupOut: string;

  beforeAll(async () => {
    const [certDir, tlsDir, plainDir, storage] = await Promise.all(
      ['paicha-tls-certs', 'paicha-tls-pg', 'paicha-plain-pg', 'paicha-tls-backup'].map((p) => tempDataDir(p)),
    );
    dirs.push(certDir, tlsDir, plainDir, storage);
    backupOut = join(storage, 'out');
    // the plain server first: as root, it creates the `postgres` OS user the key file is given to
    plainServer = await startEmbeddedPostgres({ dataDir: plainDir, settings: DISPOSABLE_SETTINGS });
    files = makeCertificates(certDir);
    const hba = join(certDir, 'pg_hba.conf');
    writeFileSync(hba, 'hostssl all all 127.0.0.1/32 scram-sha-256\nhostssl all all 127.0.0.2/32 scram-sha-256\n');
    tlsServer = await startEmbeddedPostgres({
      dataDir: tlsDir,
      settings: {
        ...DISPOSABLE_SETTINGS,
        listen_addresses: '127.0.0.1,127.0.0.2',
        ssl: 'on',
        ssl_cert_file: files.cert,
        ssl_key_file: files.key,
        hba_file: hba,
      },
    });
    const admin = new pg.Client({ connectionString: tlsServer.url, ssl: { ca: await readFile(files.ca, 'utf8') } });
    await admin.connect();
    await admin.query('CREATE DATABASE paicha_tls');
    await admin.end();
    tlsDb = withDatabase(tlsServer.url, 'paicha_tls');
  }, 60_000);

  afterAll(async () => {
    await tlsServer?.stop();
    await plainServer?.stop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  /** Whether this app's own connection is encrypted, and every session on its database with it. */
  async function sessions(t: TestApp) {
    const ds = t.app.get(DataSource);
    const own = (await ds.query('SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()')) as {
      ssl: boolean;
      version: string;
    }[];
    const all = (await ds.query(
      `SELECT a.query, s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s ON s.pid = a.pid
        WHERE a.datname = current_database() AND a.backend_type = 'client backend'`,
    )) as { query: string; ssl: boolean }[];
    return { own, all };
  }

  async function bootFailure(databaseUrl: string, env: Record<string, string>): Promise<{ message: string; ms: number }> {
    const started = Date.now();
    const booted = await createTestApp({ databaseUrl, env }).then(
      async (t) => {
        await t.close();
        return true;
      },
      (error: { message: string }) => error,
    );
    if (typeof booted === 'boolean') throw new Error('the app booted');
    return { message: booted.message, ms: Date.now() - started };
  }

  it('verify-full with the CA that signed the server: boots, answers /health and a login, every connection encrypted (pool and LISTEN)', async () => {
    const t = await createTestApp({ databaseUrl: tlsDb, env: { DATABASE_SSL: 'verify-full', DATABASE_SSL_CA: files.ca, ...ADMIN } });
    try {
      const health = await request(t.http).get('/health').expect(200);
      expect(health.body).toMatchObject({ status: 'ok', db: 'up' });
      const login = await request(t.http).post('/api/v1/auth/login').send({ username: 'chief', password: 'Head-of-bureau-1' }).expect(200);
      const me = await request(t.http)
        .get('/api/v1/auth/me')
        .set({ Authorization: `Bearer ${login.body.accessToken}` });
      expect(me.status).toBe(200);
      expect(me.body.username).toBe('chief');
      const { own, all } = await sessions(t);
      expect(own).toEqual([{ ssl: true, version: expect.stringMatching(/^TLSv1\.[23]$/) }]);
      // the credentials cache's LISTEN connection is built apart from the pool: it is encrypted too
      expect(all.filter((s) => s.query === 'LISTEN paicha_credentials')).toEqual([{ query: 'LISTEN paicha_credentials', ssl: true }]);
      expect(all.every((s) => s.ssl)).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('require: encrypted, without checking the certificate', async () => {
    const t = await createTestApp({ databaseUrl: tlsDb, env: { DATABASE_SSL: 'require' } });
    try {
      expect((await request(t.http).get('/health').expect(200)).body).toMatchObject({ status: 'ok', db: 'up' });
      expect((await sessions(t)).own).toEqual([{ ssl: true, version: expect.stringMatching(/^TLSv1\.[23]$/) }]);
    } finally {
      await t.close();
    }
  });

  it('verify-full refuses a certificate its CA did not sign, at once and saying why', async () => {
    const other = await bootFailure(tlsDb, { DATABASE_SSL: 'verify-full', DATABASE_SSL_CA: files.otherCa });
    expect(other.message).toBe(
      "DATABASE_SSL=verify-full: the database server's certificate was refused (unable to verify the first certificate); " +
        `is it signed by the CA in DATABASE_SSL_CA (${files.otherCa}), and does it name the host of DATABASE_URL?`,
    );
    // no retries: a certificate does not get better by waiting
    expect(other.ms).toBeLessThan(5_000);
    // without DATABASE_SSL_CA only Node's default CAs are trusted, and they do not know the test's CA
    const system = await bootFailure(tlsDb, { DATABASE_SSL: 'verify-full' });
    expect(system.message).toBe(
      "DATABASE_SSL=verify-full: the database server's certificate was refused (unable to verify the first certificate); " +
        'is it signed by a CA Node trusts (else set DATABASE_SSL_CA), and does it name the host of DATABASE_URL?',
    );
  });

  it('verify-full checks the host: the right CA, but a certificate that does not name 127.0.0.2', async () => {
    const url = new URL(tlsDb);
    url.hostname = '127.0.0.2';
    const failure = await bootFailure(url.toString(), { DATABASE_SSL: 'verify-full', DATABASE_SSL_CA: files.ca });
    expect(failure.message).toContain(
      "the database server's certificate was refused (Hostname/IP does not match certificate's altnames: IP: 127.0.0.2 is not in the cert's list: 127.0.0.1)",
    );
  });

  it('require on a server without SSL, and no TLS on a server that demands it, stop the boot at once with one clear line', async () => {
    const plain = await bootFailure(withDatabase(plainServer.url, 'postgres'), { DATABASE_SSL: 'require' });
    expect(plain.message).toBe('DATABASE_SSL=require, but the database server does not support SSL connections');
    expect(plain.ms).toBeLessThan(5_000);
    const clear = await bootFailure(tlsDb, {});
    expect(clear.message).toMatch(
      /^the database server accepts only encrypted connections \(no pg_hba\.conf entry for host "127\.0\.0\.1", user "postgres", database "paicha_tls", no encryption\): set DATABASE_SSL$/,
    );
    expect(clear.ms).toBeLessThan(5_000);
  });

  it('the backup CLI reaches the database with the same settings', async () => {
    const env = { DATABASE_URL: tlsDb, JWT_SECRET: TEST_JWT_SECRET, DATA_KEY: TEST_DATA_KEY, AUDIT_KEY: TEST_AUDIT_KEY };
    const storage = join(backupOut, '..', 'files');
    const refused = await backupCli(backupOut, { ...env, STORAGE_DIR: storage });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('no encryption');
    const done = await backupCli(`${backupOut}-2`, {
      ...env,
      STORAGE_DIR: storage,
      DATABASE_SSL: 'verify-full',
      DATABASE_SSL_CA: files.ca,
    });
    expect(done.output).toMatch(/^backup in .*: database by copy \(PostgreSQL 18\.\d+, \d+ rows\)/);
    expect(done.code).toBe(0);
  }, 60_000);
});
