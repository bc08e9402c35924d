import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AppConfig, RuntimeConfig } from './config.js';

/** A secret generated once and kept in a file readable only by its owner (the embedded default's JWT secret). */
export async function readOrCreateSecret(file: string): Promise<string> {
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing && existing.trim().length >= 32) return existing.trim();
  await mkdir(dirname(file), { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/**
 * The config with its secrets: each one given in the environment (required
 * with DATABASE_URL), or on the embedded default generated once into DATA_DIR
 * (`jwt-secret`, `data-key`, `audit-key`, mode 0600) and kept there.
 */
export async function withSecrets(config: AppConfig): Promise<RuntimeConfig> {
  const file = (name: string) => readOrCreateSecret(join(config.dataDir, name));
  return {
    ...config,
    jwtSecret: config.jwtSecret ?? (await file('jwt-secret')),
    dataKeys: config.dataKeys ?? [{ version: 1, secret: await file('data-key') }],
    auditKey: config.auditKey ?? (await file('audit-key')),
  };
}
