import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const DATABASE_SSL_MODES = ['disable', 'require', 'verify-full'] as const;
export type DatabaseSslMode = (typeof DATABASE_SSL_MODES)[number];

/**
 * `disable`: no TLS. `require`: TLS, the server's certificate not checked
 * (encrypted, but not proof of whom we talk to). `verify-full`: TLS, the
 * certificate checked against `ca` (else Node's default CAs) and the host
 * of DATABASE_URL.
 */
export interface DatabaseSsl {
  mode: DatabaseSslMode;
  /** DATABASE_SSL_CA: the PEM file of the CA (absolute), read at boot into `ca`; only with verify-full. */
  caFile?: string;
  ca?: string;
}

/** Query parameters of a DATABASE_URL by which node-postgres would override DATABASE_SSL: refused. */
export const TLS_URL_PARAMETERS = ['ssl', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'sslca', 'sslnegotiation'];

/** DATABASE_SSL_CA's file: read at boot, and its first certificate must parse. */
export function readPemCertificates(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`cannot read ${JSON.stringify(file)} (${code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')})`, {
      cause: error,
    });
  }
  try {
    new X509Certificate(text); // the first certificate of the file parses
  } catch {
    throw new Error(`${JSON.stringify(file)} holds no PEM certificate`);
  }
  return text;
}
