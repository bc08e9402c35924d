import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { freeLowPort, tempDataDir } from './processes.js';

/**
 * A real S3-protocol server on loopback for the tests: s3rver (npm), which
 * keeps objects in a folder and speaks path-style S3 with SigV4, multipart
 * uploads and CopyObject. No MinIO binary is installable here.
 */
export interface TestS3 {
  endpoint: string;
  port: number;
  dir: string;
  client: S3Client;
  /** `METHOD path?query` of every request the server received (to see multipart uploads happen). */
  requests: string[];
  /** STORAGE_URL and credentials for a bucket (created here) under a key prefix. */
  env(bucket: string, prefix?: string): Record<string, string>;
  createBucket(name: string): Promise<void>;
  keys(bucket: string): Promise<string[]>;
  stop(): Promise<void>;
  /** Starts it again on the same port and folder (after `stop`). */
  start(): Promise<void>;
}

export async function startS3(): Promise<TestS3> {
  const port = await freeLowPort();
  const dir = await tempDataDir('paicha-s3');
  let server: S3rver | undefined;
  const requests: string[] = [];
  const start = async () => {
    server = new S3rver({ address: '127.0.0.1', port, silent: true, directory: dir });
    // s3rver is a Koa app: a middleware put first sees every request
    (server as unknown as { middleware: unknown[] }).middleware.unshift(
      async (ctx: { method: string; url: string }, next: () => Promise<void>) => {
        requests.push(`${ctx.method} ${ctx.url}`);
        await next();
      },
    );
    await server.run();
  };
  await start();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    port,
    dir,
    client,
    requests,
    env: (bucket, prefix = '') => ({
      STORAGE_URL: `s3://${bucket}/${prefix}?endpoint=${endpoint}&region=us-east-1&forcePathStyle=true`,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    }),
    createBucket: async (name) => {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    keys: async (bucket) => {
      const out: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
        out.push(...(page.Contents ?? []).map((o) => o.Key as string));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out.sort();
    },
    stop: async () => {
      await server?.close();
      server = undefined;
    },
    start,
  };
}
