import busboy from 'busboy';
import type { Request } from 'express';
import type { Readable } from 'node:stream';
import { CommonError, DomainException } from './problem/domain.exception.js';

export class UploadTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The upload exceeds ${maxBytes} bytes`);
  }

  toDomain(): DomainException {
    return new DomainException(CommonError.UploadTooLarge, this.message);
  }
}

/** A request whose body was read whole before its handler ran (Nest names it `rawBody` too). */
export type BufferedRequest = Request & { rawBody?: Buffer };

/**
 * Reads the rest of the request body into memory, at most `maxBytes`
 * (else UploadTooLargeError, and the rest is drained unread). A handler
 * that parses the body later finds it in `req.rawBody`.
 */
export function readBody(req: BufferedRequest, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.resume();
      reject(new UploadTooLargeError(maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) {
        failed = true;
        chunks.length = 0;
        reject(new UploadTooLargeError(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => {
      if (failed) return;
      const body = Buffer.concat(chunks);
      req.rawBody = body;
      resolve(body);
    });
    req.once('error', (error) => {
      if (!failed) reject(error);
      failed = true;
    });
  });
}

export interface IncomingFile {
  stream: Readable;
  filename: string;
  mimeType: string;
}

/**
 * The multipart field `field` of a request, as a stream: nothing is buffered
 * whole (unless something before the handler read the body into `req.rawBody`). Past `maxBytes` the stream fails with UploadTooLargeError (→ 413);
 * a request that is not multipart is a 415, one without the field a 400.
 */
export function receiveFile(req: BufferedRequest, options: { field: string; maxBytes: number }): Promise<IncomingFile> {
  return new Promise((resolve, reject) => {
    if (!req.is('multipart/form-data')) {
      reject(new DomainException(CommonError.UnsupportedMediaType, `Send the file as multipart/form-data in the field "${options.field}"`));
      return;
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { fileSize: options.maxBytes, files: 1, fields: 20, fieldSize: 4096, parts: 30 },
      });
    } catch (error) {
      reject(new DomainException(CommonError.MissingFile, `Malformed multipart request: ${(error as Error).message}`));
      return;
    }
    let settled = false;
    parser.on('file', (name, stream, info) => {
      if (name !== options.field || settled) {
        stream.resume();
        return;
      }
      settled = true;
      stream.on('limit', () => stream.destroy(new UploadTooLargeError(options.maxBytes)));
      resolve({ stream, filename: info.filename ?? '', mimeType: info.mimeType });
    });
    parser.on('error', (error: Error) => {
      if (!settled) {
        settled = true;
        reject(new DomainException(CommonError.MissingFile, `Malformed multipart request: ${error.message}`));
      }
    });
    parser.on('close', () => {
      if (!settled) {
        settled = true;
        reject(new DomainException(CommonError.MissingFile, `The request has no file in the field "${options.field}"`));
      }
    });
    if (req.rawBody) parser.end(req.rawBody);
    else req.pipe(parser);
  });
}
