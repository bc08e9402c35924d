import { describe, expect, it } from '@jest/globals';
import { multipartBoundary, requestFingerprint } from './fingerprint.js';

const multipart = (boundary: string, bytes: string) =>
  Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n${bytes}\r\n--${boundary}--\r\n`,
  );

describe('requestFingerprint', () => {
  const base = { method: 'POST', path: '/api/v1/findings/1/rectify', ifMatch: undefined };

  it('ignores key order in JSON but not values, the path, the method or If-Match', () => {
    const a = requestFingerprint({ ...base, body: { json: { note: 'x', attachmentIds: [] } } });
    expect(requestFingerprint({ ...base, body: { json: { attachmentIds: [], note: 'x' } } })).toBe(a);
    const others = [
      requestFingerprint({ ...base, body: { json: { note: 'y', attachmentIds: [] } } }),
      requestFingerprint({ ...base, path: '/api/v1/findings/2/rectify', body: { json: { note: 'x', attachmentIds: [] } } }),
      requestFingerprint({ ...base, method: 'PUT', body: { json: { note: 'x', attachmentIds: [] } } }),
      requestFingerprint({ ...base, ifMatch: '"3"', body: { json: { note: 'x', attachmentIds: [] } } }),
      requestFingerprint({ ...base, body: undefined }),
    ];
    expect(new Set([a, ...others]).size).toBe(6);
  });

  it('does not depend on the multipart boundary, but on the bytes', () => {
    const one = requestFingerprint({ ...base, body: { bytes: multipart('----a1', 'PNGDATA'), multipartBoundary: '----a1' } });
    const two = requestFingerprint({
      ...base,
      body: { bytes: multipart('----WebKitFormBoundaryZ9', 'PNGDATA'), multipartBoundary: '----WebKitFormBoundaryZ9' },
    });
    const other = requestFingerprint({ ...base, body: { bytes: multipart('----a1', 'PNGDATB'), multipartBoundary: '----a1' } });
    expect(two).toBe(one);
    expect(other).not.toBe(one);
  });

  it('reads the boundary of a Content-Type, quoted or not', () => {
    expect(multipartBoundary('multipart/form-data; boundary=----abc')).toBe('----abc');
    expect(multipartBoundary('multipart/form-data; charset=utf-8; boundary="a b"')).toBe('a b');
    expect(multipartBoundary('application/json')).toBeUndefined();
  });
});
