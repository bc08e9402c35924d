import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { createTestApp, type TestApp } from './helpers/test-app.js';

const run = promisify(execFile);
const BIN = join(process.cwd(), 'node_modules/.bin');

/** Runs a linter that exits non-zero on findings; returns its stdout either way. */
async function lint(command: string, args: string[]): Promise<string> {
  try {
    return (
      await run(join(BIN, command), args, { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, REDOCLY_TELEMETRY: 'off', NO_COLOR: '1' } })
    ).stdout;
  } catch (error) {
    const { stdout } = error as { stdout?: string };
    if (stdout) return stdout;
    throw error;
  }
}

describe('the API description, as third-party tools read it', () => {
  let t: TestApp;
  let dir: string;
  let file: string;
  let document: { paths: Record<string, Record<string, { summary?: string; operationId?: string; tags?: string[] }>>; servers: unknown[] };

  beforeAll(async () => {
    t = await createTestApp();
    document = (await request(t.http).get('/api/docs-json').expect(200)).body;
    dir = await mkdtemp(join(tmpdir(), 'paicha-openapi-'));
    file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(document));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await t.close();
  });

  it('gives every operation a summary, an operationId and tags, and names its server', () => {
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    expect(operations.length).toBeGreaterThan(40);
    expect(operations.filter((o) => !o.summary || !o.operationId || !o.tags?.length)).toEqual([]);
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(operations.length);
    expect(document.servers).toHaveLength(1);
  });

  it('passes Redocly’s recommended rules with no error', async () => {
    const out = JSON.parse(await lint('redocly', ['lint', file, '--config', join(process.cwd(), 'redocly.yaml'), '--format', 'json']));
    const errors = out.problems.filter((p: { severity: string }) => p.severity === 'error');
    expect(errors.map((p: { ruleId: string; message: string }) => `${p.ruleId}: ${p.message}`)).toEqual([]);
  }, 120_000);

  it('passes Spectral’s OAS and OWASP API Security rules with no error', async () => {
    const out = JSON.parse(
      (await lint('spectral', ['lint', file, '--ruleset', join(process.cwd(), '.spectral.yaml'), '-f', 'json', '--quiet'])) || '[]',
    );
    // severity 0 = error
    const errors = out.filter((r: { severity: number }) => r.severity === 0);
    expect(errors.slice(0, 20).map((r: { code: string; path: string[] }) => `${r.code} at ${r.path.join('.')}`)).toEqual([]);
    expect(errors).toHaveLength(0);
  }, 120_000);
});
