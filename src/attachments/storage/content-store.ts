import { createHash, randomUUID } from 'node:crypto';
import { pipeline, type Readable, Transform } from 'node:stream';
import { keyOfSha256, type ObjectStore } from './object-store.js';

export interface StoredFile {
  sha256: string;
  size: number;
  /** The first bytes, for sniffing the type. */
  head: Buffer;
}

export interface ReceivedFile extends StoredFile {
  /** Moves the bytes to their content-addressed key (kept once if they are there already). */
  keep(): Promise<void>;
  /** Forgets the bytes. */
  drop(): Promise<void>;
}

const HEAD_BYTES = 4100;

/**
 * Content-addressed files on an ObjectStore: bytes are kept at `ab/abcdef…`
 * by their SHA-256, so the same photo uploaded twice is stored once. A file
 * streams to `tmp/<uuid>` while it is hashed, and moves to its key only once
 * it is complete and accepted.
 */
export class ContentStore {
  constructor(readonly objects: ObjectStore) {}

  /** Streams into a temporary object, hashing as it goes. The caller accepts (`keep`) or drops it. */
  async receive(input: Readable): Promise<ReceivedFile> {
    const tmp = `tmp/${randomUUID()}`;
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
    // An error of the source (too large, client gone) is the one to report, not the store's view of it.
    let sourceError: unknown;
    pipeline(input, tap, (error) => {
      if (error) sourceError ??= error;
    });
    input.once('error', (error) => (sourceError ??= error));
    try {
      await this.objects.put(tmp, tap);
    } catch (error) {
      await this.objects.delete(tmp).catch(() => undefined);
      throw sourceError ?? error;
    }
    if (sourceError) {
      await this.objects.delete(tmp).catch(() => undefined);
      throw sourceError;
    }
    const sha256 = hash.digest('hex');
    return {
      sha256,
      size,
      head: Buffer.concat(headParts),
      keep: async () => {
        const key = keyOfSha256(sha256);
        if (await this.objects.exists(key)) await this.objects.delete(tmp);
        else await this.objects.move(tmp, key);
      },
      drop: () => this.objects.delete(tmp),
    };
  }

  /** The stored bytes of this SHA-256 as a stream. */
  open(sha256: string): Promise<Readable> {
    return this.objects.get(keyOfSha256(sha256));
  }

  /** The stored bytes in memory, for files known to be small (images embedded in a PDF). */
  async read(sha256: string): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const chunk of await this.open(sha256)) parts.push(chunk as Buffer);
    return Buffer.concat(parts);
  }
}
