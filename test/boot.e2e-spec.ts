import { afterAll, describe, expect, it } from '@jest/globals';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { freeLowPort, postgresPidsFor, startService, tempDataDir, waitForHealth, type ServiceProcess } from './helpers/processes.js';

/**
 * The real `npm start` path: the built service on its embedded PostgreSQL,
 * started, stopped, killed and started again in one data folder.
 */
describe('booting on the embedded database', () => {
  const dirs: string[] = [];
  const running: ServiceProcess[] = [];

  afterAll(async () => {
    for (const s of running) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    for (const dir of dirs) {
      for (const pid of await postgresPidsFor(dir)) process.kill(pid, 'SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('comes up on first start, stops cleanly on SIGTERM, survives kill -9', async () => {
    const dataDir = await tempDataDir('paicha-boot');
    dirs.push(dataDir);
    const port = await freeLowPort();
    const env = { DATA_DIR: dataDir, PORT: String(port), SEED_DEMO: 'false' };

    // first start: initdb, migrations, health
    const first = startService(env);
    running.push(first);
    const firstMs = await waitForHealth(port, first, 30_000);
    expect(firstMs).toBeLessThan(30_000);
    expect((await postgresPidsFor(dataDir)).length).toBe(1);
    // the generated secrets are kept, readable only by their owner
    for (const secret of ['jwt-secret', 'data-key', 'audit-key']) expect((await stat(join(dataDir, secret))).mode & 0o777).toBe(0o600);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(await postgresPidsFor(dataDir)).toEqual([]);

    // second start reuses the cluster
    const second = startService(env);
    running.push(second);
    const secondMs = await waitForHealth(port, second, 10_000);
    expect(secondMs).toBeLessThan(10_000);

    // kill -9 leaves the postmaster orphaned; the next start must clear it and come up
    second.child.kill('SIGKILL');
    await second.exited;
    const orphans = await postgresPidsFor(dataDir);
    expect(orphans.length).toBe(1);

    const third = startService(env);
    running.push(third);
    await waitForHealth(port, third, 30_000);
    const now = await postgresPidsFor(dataDir);
    expect(now.length).toBe(1);
    expect(now[0]).not.toBe(orphans[0]);

    third.child.kill('SIGINT');
    expect(await third.exited).toBe(0);
    expect(await postgresPidsFor(dataDir)).toEqual([]);
    process.stdout.write(`[boot] first start ${firstMs} ms, second start ${secondMs} ms\n`);
  }, 90_000);

  it('refuses to boot on a bad variable with one line naming it', async () => {
    const service = startService({ PORT: 'abc' });
    running.push(service);
    expect(await service.exited).toBe(1);
    expect(service.output()).toBe('Invalid environment variable PORT: "abc" is not a port number (1–65535)\n');
  });

  it('refuses a DATABASE_URL deployment without JWT_SECRET', async () => {
    const service = startService({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    running.push(service);
    expect(await service.exited).toBe(1);
    expect(service.output()).toBe('Invalid environment variable JWT_SECRET: is required when DATABASE_URL is set (at least 32 bytes)\n');
  });

  it('refuses a DATABASE_URL deployment without DATA_KEY or AUDIT_KEY', async () => {
    const jwt = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', JWT_SECRET: 'boot-test-secret-0123456789-0123456789' };
    const noDataKey = startService({ ...jwt, DATA_KEY: '' });
    running.push(noDataKey);
    expect(await noDataKey.exited).toBe(1);
    expect(noDataKey.output()).toBe(
      'Invalid environment variable DATA_KEY: is required when DATABASE_URL is set (at least 32 characters)\n',
    );
    const noAuditKey = startService({ ...jwt, AUDIT_KEY: '' });
    running.push(noAuditKey);
    expect(await noAuditKey.exited).toBe(1);
    expect(noAuditKey.output()).toBe(
      'Invalid environment variable AUDIT_KEY: is required when DATABASE_URL is set (at least 32 characters)\n',
    );
  });
});
