import type { Readable } from 'node:stream';

/**
 * Where the bytes of attachments (and rendered documents) live: a flat space
 * of keys such as `ab/abcdef…` (content-addressed by SHA-256) or `tmp/<uuid>`.
 * Two implementations: the local disk (default) and an S3-compatible bucket.
 * Scope checks are not here: the services decide who may read what.
 */
export interface ObjectStore {
  /** 'local' or 's3', for logs and /health. */
  readonly kind: 'local' | 's3';
  /** Streams `body` into `key` (never buffering the whole of it); replaces an object there. */
  put(key: string, body: Readable): Promise<void>;
  /** The bytes of `key` as a stream; a StorageError `not_found` when there is none. */
  get(key: string): Promise<Readable>;
  exists(key: string): Promise<boolean>;
  /** Removes `key`; no error when it is already gone. */
  delete(key: string): Promise<void>;
  /** Moves a finished object to its final key (a rename on disk, copy + delete in S3). */
  move(from: string, to: string): Promise<void>;
  /** Every key under `prefix` (for backups), in no particular order. */
  list(prefix?: string): AsyncIterable<string>;
  /** Throws a StorageError when the store cannot be reached or written. */
  check(): Promise<void>;
}

/** A store that does not answer (`unavailable`) or a key that is not there (`not_found`). */
export class StorageError extends Error {
  constructor(
    readonly reason: 'unavailable' | 'not_found',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageError';
  }
}

/** The content-addressed key of bytes with this SHA-256 (as the files were laid out on disk before). */
export function keyOfSha256(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
  return `${sha256.slice(0, 2)}/${sha256}`;
}
