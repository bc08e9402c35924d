import { errorStatuses } from '../common/problem/error-codes.js';

export enum DocumentError {
  NotFound = 'document_not_found',
  InvalidRequest = 'document_invalid_request',
  AlreadyIssued = 'document_already_issued',
  NothingToList = 'document_nothing_to_list',
  NotReady = 'document_not_ready',
  WrongState = 'document_wrong_state',
  NotMajor = 'document_not_major',
  OwnRectification = 'document_own_rectification',
  RegionNotFound = 'document_region_not_found',
}

/** The HTTP status of each code (a code without one does not compile). */
errorStatuses<DocumentError>({
  [DocumentError.NotFound]: 404,
  [DocumentError.InvalidRequest]: 400,
  [DocumentError.AlreadyIssued]: 409,
  [DocumentError.NothingToList]: 409,
  [DocumentError.NotReady]: 409,
  [DocumentError.WrongState]: 409,
  [DocumentError.NotMajor]: 409,
  [DocumentError.OwnRectification]: 403,
  [DocumentError.RegionNotFound]: 404,
});

declare module '../common/problem/error-codes.js' {
  interface ErrorCodes {
    document: DocumentError;
  }
}
