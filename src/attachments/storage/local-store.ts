import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type ObjectStore, StorageError } from './object-store.js';

const UNAVAILABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'ENOTDIR', 'EDQUOT', 'EIO']);

/** Files under one folder (STORAGE_DIR): key `ab/abcdef…` is the file `<root>/ab/abcdef…`. */
export class LocalObjectStore implements ObjectStore {
  readonly kind = 'local' as const;

  constructor(readonly root: string) {}

  pathOf(key: string): string {
    if (key.split('/').some((part) => part === '' || part === '.' || part === '..')) throw new Error(`bad storage key ${key}`);
    return join(this.root, ...key.split('/'));
  }

  async put(key: string, body: Readable): Promise<void> {
    const path = this.pathOf(key);
    try {
      await mkdir(dirname(path), { recursive: true });
      await pipeline(body, createWriteStream(path, { mode: 0o640 }));
    } catch (error) {
      await rm(path, { force: true }).catch(() => undefined);
      throw translate(error, key);
    }
  }

  async get(key: string): Promise<Readable> {
    const stream = createReadStream(this.pathOf(key));
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (error) => reject(translate(error, key)));
    });
    return stream;
  }

  async exists(key: string): Promise<boolean> {
    return stat(this.pathOf(key)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true }).catch((error: unknown) => {
      throw translate(error, key);
    });
  }

  async move(from: string, to: string): Promise<void> {
    const target = this.pathOf(to);
    try {
      await mkdir(dirname(target), { recursive: true });
      await rename(this.pathOf(from), target);
    } catch (error) {
      throw translate(error, from);
    }
  }

  async *list(prefix = ''): AsyncIterable<string> {
    const entries = await readdir(this.root, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw translate(error, prefix);
    });
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const key = relative(this.root, join(entry.parentPath, entry.name)).split(sep).join('/');
      if (key.startsWith(prefix)) yield key;
    }
  }

  async check(): Promise<void> {
    try {
      await mkdir(join(this.root, 'tmp'), { recursive: true });
      await writeFile(join(this.root, 'tmp', '.health'), '');
    } catch (error) {
      throw translate(error, 'tmp/.health');
    }
  }
}

function translate(error: unknown, key: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new StorageError('not_found', `no stored file ${key}`, { cause: error });
  if (code !== undefined && UNAVAILABLE.has(code))
    return new StorageError('unavailable', `file storage failed (${code})`, { cause: error });
  return error;
}
