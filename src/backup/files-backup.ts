import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ObjectStore } from '../attachments/storage/index.js';

export interface FileEntry {
  key: string;
  size: number;
  sha256: string;
}

/** Stored objects, not the uploads still streaming in. */
const isKept = (key: string) => !key.startsWith('tmp/');

function measuring(entry: { size: number }, hash: ReturnType<typeof createHash>): Transform {
  return new Transform({
    transform(chunk: Buffer, _e, done) {
      hash.update(chunk);
      entry.size += chunk.length;
      done(null, chunk);
    },
  });
}

/**
 * Copies every stored object (local disk or S3) into `dir/files/<key>`,
 * hashing as it streams. A content-addressed key that does not match its
 * bytes is reported, not silently copied.
 */
export async function copyFilesOut(store: ObjectStore, dir: string): Promise<FileEntry[]> {
  const entries: FileEntry[] = [];
  for await (const key of store.list()) {
    if (!isKept(key)) continue;
    const target = join(dir, 'files', ...key.split('/'));
    await mkdir(dirname(target), { recursive: true });
    const entry = { key, size: 0, sha256: '' };
    const hash = createHash('sha256');
    await pipeline(await store.get(key), measuring(entry, hash), createWriteStream(target, { mode: 0o600 }));
    entry.sha256 = hash.digest('hex');
    const named = key.split('/').pop() as string;
    if (/^[0-9a-f]{64}$/.test(named) && named !== entry.sha256) throw new Error(`stored object ${key} does not match its SHA-256`);
    entries.push(entry);
  }
  return entries.sort((a, b) => a.key.localeCompare(b.key));
}

/** Keys the store holds already (a restore target must hold none unless --force). */
export async function storedKeys(store: ObjectStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list()) if (isKept(key)) keys.push(key);
  return keys;
}

/** Puts every file of the manifest back, checking each one's SHA-256 on the way. */
export async function copyFilesIn(store: ObjectStore, dir: string, entries: FileEntry[]): Promise<void> {
  for (const e of entries) {
    const hash = createHash('sha256');
    const seen = { size: 0 };
    await store.put(e.key, createReadStream(join(dir, 'files', ...e.key.split('/'))).pipe(measuring(seen, hash)));
    if (hash.digest('hex') !== e.sha256 || seen.size !== e.size) {
      await store.delete(e.key);
      throw new Error(`backup file ${e.key} does not match its SHA-256 or size in the manifest`);
    }
  }
}
