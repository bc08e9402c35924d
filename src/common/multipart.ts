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

export interface IncomingFile {
  stream: Readable;
  filename: string;
  mimeType: string;
}

/**
 * The multipart field `field` of a request, as a stream: nothing is buffered
 * whole. Past `maxBytes` the stream fails with UploadTooLargeError (→ 413);
 * a request that is not multipart is a 415, one without the field a 400.
 */
export function receiveFile(req: Request, options: { field: string; maxBytes: number }): Promise<IncomingFile> {
  return new Promise((resolve, reject) => {
    if (!req.is('multipart/form-data')) {
      reject(new DomainException(CommonError.UnsupportedMediaType, `Send the file as multipart/form-data in the field "${options.field}"`));
      return;
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { fileSize: options.maxBytes, files: 1, fields: 20, fieldSize: 4096, parts: 30 } });
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
    req.pipe(parser);
  });
}
