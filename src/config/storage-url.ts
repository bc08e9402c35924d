/**
 * Where uploaded files live. `STORAGE_URL` unset → the local disk under
 * `STORAGE_DIR`; `s3://bucket/prefix?endpoint=http://host:port&region=…&forcePathStyle=true`
 * → any S3-compatible object store, with credentials from `AWS_ACCESS_KEY_ID` /
 * `AWS_SECRET_ACCESS_KEY` (or the SDK's usual chain when those are unset).
 */
export type StorageTarget = { kind: 'local'; dir: string } | S3Target;

export interface S3Target {
  kind: 's3';
  bucket: string;
  /** Key prefix without a leading slash, ending in '/' when not empty. */
  prefix: string;
  /** Unset → the AWS endpoint of the region. */
  endpoint: string | undefined;
  region: string;
  forcePathStyle: boolean;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
}

const EXAMPLE = 's3://bucket/prefix?endpoint=http://host:9000&region=us-east-1&forcePathStyle=true';
const KNOWN = new Set(['endpoint', 'region', 'forcePathStyle']);

/** Parses STORAGE_URL; throws an Error whose message says what is wrong (the caller names the variable). */
export function parseStorageUrl(value: string, credentials: { accessKeyId?: string; secretAccessKey?: string } = {}): S3Target {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`is not a URL (expected ${EXAMPLE})`);
  }
  if (url.protocol !== 's3:') throw new Error(`protocol ${JSON.stringify(url.protocol)} is not s3: (expected ${EXAMPLE})`);
  if (url.username || url.password) throw new Error('must not carry credentials: use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  const bucket = url.hostname;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new Error(`bucket ${JSON.stringify(bucket)} is not a valid bucket name (3–63 lower-case letters, digits, '.', '-')`);
  }
  const path = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, '');
  if (path.split('/').some((part) => part === '.' || part === '..')) throw new Error('prefix must not contain "." or ".." segments');
  for (const key of url.searchParams.keys()) {
    if (!KNOWN.has(key)) throw new Error(`unknown parameter ${JSON.stringify(key)} (known: ${[...KNOWN].join(', ')})`);
  }
  const endpointRaw = url.searchParams.get('endpoint') ?? undefined;
  let endpoint: string | undefined;
  if (endpointRaw !== undefined) {
    let e: URL;
    try {
      e = new URL(endpointRaw);
    } catch {
      throw new Error(`endpoint ${JSON.stringify(endpointRaw)} is not a URL`);
    }
    if (e.protocol !== 'http:' && e.protocol !== 'https:') throw new Error(`endpoint ${JSON.stringify(endpointRaw)} is not http(s)`);
    endpoint = endpointRaw.replace(/\/+$/, '');
  }
  const region = url.searchParams.get('region') ?? 'us-east-1';
  if (!/^[a-z0-9-]{1,40}$/.test(region)) throw new Error(`region ${JSON.stringify(region)} is not a region name`);
  const style = url.searchParams.get('forcePathStyle');
  if (style !== null && style !== 'true' && style !== 'false') throw new Error('forcePathStyle must be true or false');
  const { accessKeyId, secretAccessKey } = credentials;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new Error('needs both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither');
  }
  return {
    kind: 's3',
    bucket,
    prefix: path ? `${path}/` : '',
    endpoint,
    region,
    // A custom endpoint is almost always path-style (MinIO, Ceph): that is the default there.
    forcePathStyle: style === null ? endpoint !== undefined : style === 'true',
    accessKeyId,
    secretAccessKey,
  };
}
