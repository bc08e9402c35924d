import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';

export interface StoredFile {
  sha256: string;
  size: number;
  /** The first bytes, for sniffing the type. */
  head: Buffer;
}

const HEAD_BYTES = 4100;

/**
 * Content-addressed files under STORAGE_DIR: `ab/abcdef…` by SHA-256, so the
 * same photo uploaded twice is stored once. A file is written to `tmp/` while
 * it streams in and moved into place only once it is complete and accepted.
 */
export class FileStore {
  constructor(private readonly root: string) {}

  pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  /** Streams into a temp file, hashing as it goes. The caller accepts (`keep`) or drops it. */
  async receive(input: Readable): Promise<StoredFile & { keep(): Promise<void>; drop(): Promise<void> }> {
    const tmpDir = join(this.root, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, randomUUID());
    const hash = createHash('sha256');
    const headParts: Buffer[] = [];
    let headLength = 0;
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        if (headLength < HEAD_BYTES) {
          headParts.push(chunk.subarray(0, HEAD_BYTES - headLength));
          headLength += Math.min(chunk.length, HEAD_BYTES - headLength);
        }
        done(null, chunk);
      },
    });
    try {
      await pipeline(input, tap, createWriteStream(tmp, { flags: 'wx', mode: 0o640 }));
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    const sha256 = hash.digest('hex');
    return {
      sha256,
      size,
      head: Buffer.concat(headParts),
      keep: async () => {
        const target = this.pathOf(sha256);
        await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
        const exists = await stat(target).then(
          () => true,
          () => false,
        );
        if (exists) await rm(tmp, { force: true });
        else await rename(tmp, target);
      },
      drop: () => rm(tmp, { force: true }),
    };
  }

  open(sha256: string): ReadStream {
    return createReadStream(this.pathOf(sha256));
  }
}
