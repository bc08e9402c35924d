import { errorStatuses } from '../common/problem/error-codes.js';

export enum AttachmentError {
  NotFound = 'attachment_not_found',
  UnsupportedType = 'attachment_unsupported_type',
  StorageUnavailable = 'attachment_storage_unavailable',
}

/** The HTTP status of each code (a code without one does not compile). */
errorStatuses<AttachmentError>({
  [AttachmentError.NotFound]: 404,
  [AttachmentError.UnsupportedType]: 415,
  [AttachmentError.StorageUnavailable]: 503,
});

declare module '../common/problem/error-codes.js' {
  interface ErrorCodes {
    attachment: AttachmentError;
  }
}
