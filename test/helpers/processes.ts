import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temp folder the embedded PostgreSQL's OS user can enter (mkdtemp makes 0700). */
export async function tempDataDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  await chmod(dir, 0o755);
  return dir;
}

export interface ServiceProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/**
 * A free port below the kernel's ephemeral range (32768 and up on Linux),
 * where the `listen(0)` of other test files running at the same time never
 * lands: a server started on it cannot be mistaken for another between our
 * choosing the port and its listening (another's /health answering for ours),
 * nor lose it while it is stopped and started again.
 */
export async function freeLowPort(used: Set<number> = new Set()): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (used.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) {
      used.add(port);
      return port;
    }
  }
}

/** The keys a DATABASE_URL deployment must be given (a spec that tests their absence sets them to ''). */
const DEPLOYMENT_KEYS = {
  DATA_KEY: 'paicha-test-data-key-0123456789-abcdefghij',
  AUDIT_KEY: 'paicha-test-audit-key-0123456789-abcdefghij',
};

/** Runs the built service (`node dist/src/main.js`) as `npm start` does. */
export function startService(env: Record<string, string>): ServiceProcess {
  const keys = env.DATABASE_URL ? DEPLOYMENT_KEYS : {};
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    // no second factor unless a spec asks for it (MFA_REQUIRED_ROLES defaults to the privileged roles and bureaus)
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', MFA_REQUIRED_ROLES: '', ...keys, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Polls GET /health until it answers 200; returns the milliseconds it took. */
export async function waitForHealth(port: number, service: ServiceProcess, timeoutMs: number): Promise<number> {
  const started = Date.now();
  let exited = false;
  void service.exited.then(() => (exited = true));
  while (Date.now() - started < timeoutMs) {
    if (exited) throw new Error(`the service exited before becoming healthy:\n${service.output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`/health did not answer 200 within ${timeoutMs} ms:\n${service.output()}`);
}

/** PIDs of PostgreSQL servers whose command line names the given data folder. */
export function postgresPidsFor(dataDir: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const ps = spawn('ps', ['-eo', 'pid=,args='], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    ps.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    ps.on('error', reject);
    ps.on('exit', () =>
      resolve(
        out
          .split('\n')
          .filter((line) => line.includes('postgres') && line.includes(`${dataDir}/pg`))
          .map((line) => Number(line.trim().split(/\s+/)[0])),
      ),
    );
  });
}
