import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import type { S3Target } from '../../config/storage-url.js';
import { type ObjectStore, StorageError } from './object-store.js';

/** S3 answers that mean "no such object" rather than "the store is down". */
const NOT_FOUND = new Set(['NoSuchKey', 'NotFound']);

/**
 * Objects in an S3-compatible bucket (MinIO, Ceph RGW, OSS, OBS…) under a key
 * prefix. Uploads stream through `@aws-sdk/lib-storage` (multipart in 5 MiB
 * parts, at most `queueSize` parts in memory); downloads stream the object's body.
 *
 * Checksums are computed only where the operation requires them
 * (`requestChecksumCalculation`/`responseChecksumValidation` = WHEN_REQUIRED):
 * the SDK's default since 2025 (CRC32 trailers in aws-chunked bodies) is not
 * understood by every S3-compatible store; our own SHA-256 guards the bytes.
 */
export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3' as const;
  readonly client: S3Client;

  constructor(readonly target: S3Target) {
    this.client = new S3Client({
      region: target.region,
      endpoint: target.endpoint,
      forcePathStyle: target.forcePathStyle,
      credentials:
        target.accessKeyId && target.secretAccessKey
          ? { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey }
          : undefined,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 2_000, requestTimeout: 30_000 },
    });
  }

  private k(key: string): string {
    if (key.split('/').some((part) => part === '' || part === '.' || part === '..')) throw new Error(`bad storage key ${key}`);
    return this.target.prefix + key;
  }

  async put(key: string, body: Readable): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.target.bucket, Key: this.k(key), Body: body },
      queueSize: 2,
      partSize: 5 * 1024 * 1024,
      leavePartsOnError: false,
    });
    // A failing source stream (a too-large upload, a dropped client) must stop the upload too.
    const failed = new Promise<never>((_, reject) => body.once('error', reject));
    failed.catch(() => undefined);
    try {
      await Promise.race([upload.done(), failed]);
    } catch (error) {
      await upload.abort().catch(() => undefined);
      throw translate(error, key);
    }
  }

  async get(key: string): Promise<Readable> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.target.bucket, Key: this.k(key) }));
      return out.Body as Readable;
    } catch (error) {
      throw translate(error, key);
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.target.bucket, Key: this.k(key) }));
      return true;
    } catch (error) {
      const translated = translate(error, key);
      if (translated instanceof StorageError && translated.reason === 'not_found') return false;
      throw translated;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.target.bucket, Key: this.k(key) }));
    } catch (error) {
      throw translate(error, key);
    }
  }

  async move(from: string, to: string): Promise<void> {
    const source = `${this.target.bucket}/${this.k(from).split('/').map(encodeURIComponent).join('/')}`;
    try {
      await this.client.send(new CopyObjectCommand({ Bucket: this.target.bucket, Key: this.k(to), CopySource: source }));
    } catch (error) {
      throw translate(error, from);
    }
    await this.delete(from).catch(() => undefined);
  }

  async *list(prefix = ''): AsyncIterable<string> {
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.target.bucket, Prefix: this.target.prefix + prefix, ContinuationToken: token }),
        );
      } catch (error) {
        throw translate(error, prefix);
      }
      for (const object of page.Contents ?? []) if (object.Key) yield object.Key.slice(this.target.prefix.length);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.target.bucket }));
    } catch (error) {
      const name = (error as Error).name;
      throw new StorageError('unavailable', `bucket ${this.target.bucket} cannot be reached (${name})`, { cause: error });
    }
  }

  destroy(): void {
    this.client.destroy();
  }
}

function translate(error: unknown, key: string): unknown {
  if (error instanceof StorageError) return error;
  const name = (error as Error | undefined)?.name ?? 'Error';
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  if (NOT_FOUND.has(name) || status === 404) return new StorageError('not_found', `no stored object ${key}`, { cause: error });
  // Whatever else the store or the network says (refused, timeout, 5xx, 403), the store is not usable now.
  return new StorageError('unavailable', `object storage failed (${name}${status ? ` ${status}` : ''})`, { cause: error });
}
