import { createHash, type Hash } from 'node:crypto';
import { canonicalJson } from '../audit/canonical-json.js';

/** What makes two requests with one Idempotency-Key "the same request". */
export interface RequestShape {
  method: string;
  /** The URL path, without the query. */
  path: string;
  ifMatch: string | undefined;
  /** A parsed JSON body (hashed as canonical JSON), or raw bytes. */
  body: { json: unknown } | { bytes: Buffer; multipartBoundary?: string } | undefined;
}

/**
 * SHA-256 (hex) over the method, path, If-Match and body. A JSON body is
 * hashed as canonical JSON (key order and whitespace do not matter); a
 * multipart body without its boundary, which a browser draws at random for
 * every FormData, so a retry of the same upload matches the first.
 */
export function requestFingerprint(shape: RequestShape): string {
  const hash = createHash('sha256');
  for (const part of [shape.method.toUpperCase(), shape.path, shape.ifMatch ?? '']) hash.update(`${part.length}:${part}\n`);
  const body = shape.body;
  if (body === undefined) hash.update('none');
  else if ('json' in body) hash.update('json\n').update(canonicalJson(body.json));
  else if (body.multipartBoundary) updateWithout(hash.update('multipart\n'), body.bytes, Buffer.from(body.multipartBoundary, 'latin1'));
  else hash.update('bytes\n').update(body.bytes);
  return hash.digest('hex');
}

/** Feeds `bytes` to the hash with every occurrence of `needle` left out. */
function updateWithout(hash: Hash, bytes: Buffer, needle: Buffer): void {
  if (needle.length === 0) {
    hash.update(bytes);
    return;
  }
  let from = 0;
  for (let at = bytes.indexOf(needle, from); at !== -1; at = bytes.indexOf(needle, from)) {
    hash.update(bytes.subarray(from, at));
    from = at + needle.length;
  }
  hash.update(bytes.subarray(from));
}

/** The boundary parameter of a multipart Content-Type (RFC 2046), unquoted. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType ?? '');
  return match ? (match[1] ?? match[2]) : undefined;
}

/** 1–128 printable ASCII characters (the contract of the Idempotency-Key header). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7e]{1,128}$/;
