import busboy from 'busboy';
import { UploadTooLargeError, type BufferedRequest } from '../common/multipart.js';
import { CommonError, DomainException } from '../common/problem/domain.exception.js';

/** Largest spreadsheet an import takes (the contract's 5 MB). */
export const MAX_SHEET_BYTES = 5 * 1024 * 1024;

export interface SheetUpload {
  bytes: Buffer;
  filename: string;
  fields: Record<string, string>;
}

/**
 * The multipart field `file` (at most MAX_SHEET_BYTES, else 413) and the text
 * fields beside it. The file is kept in memory — 5 MB at most — because an
 * XLSX's zip directory sits at its end and is checked before anything inflates.
 */
export function receiveSheet(req: BufferedRequest): Promise<SheetUpload> {
  return new Promise((resolve, reject) => {
    if (!req.is('multipart/form-data')) {
      reject(new DomainException(CommonError.UnsupportedMediaType, 'Send the spreadsheet as multipart/form-data in the field "file"'));
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_SHEET_BYTES + 64 * 1024) {
      req.resume();
      reject(new UploadTooLargeError(MAX_SHEET_BYTES).toDomain());
      return;
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { fileSize: MAX_SHEET_BYTES, files: 1, fields: 10, fieldSize: 4096, parts: 12 },
      });
    } catch (error) {
      reject(new DomainException(CommonError.MissingFile, `Malformed multipart request: ${(error as Error).message}`));
      return;
    }
    const fields: Record<string, string> = {};
    let file: { bytes: Buffer; filename: string } | undefined;
    let failure: Error | undefined;
    parser.on('field', (name, value) => {
      if (name.length <= 64) fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || file) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        failure = new UploadTooLargeError(MAX_SHEET_BYTES).toDomain();
        chunks.length = 0;
        stream.resume();
      });
      stream.on('end', () => {
        if (!failure) file = { bytes: Buffer.concat(chunks), filename: info.filename ?? '' };
      });
    });
    parser.on('error', (error: Error) => {
      failure ??= new DomainException(CommonError.MissingFile, `Malformed multipart request: ${error.message}`);
      reject(failure);
    });
    parser.on('close', () => {
      if (failure) reject(failure);
      else if (!file) reject(new DomainException(CommonError.MissingFile, 'The request has no file in the field "file"'));
      else resolve({ ...file, fields });
    });
    if (req.rawBody) parser.end(req.rawBody);
    else req.pipe(parser);
  });
}
