import { errorStatuses } from '../common/problem/error-codes.js';

export enum InspectionError {
  NotFound = 'inspection_not_found',
  WrongState = 'inspection_wrong_state',
  StaleVersion = 'inspection_stale_version',
  Incomplete = 'inspection_incomplete',
  PhotoRequired = 'inspection_photo_required',
  InvalidAnswer = 'inspection_invalid_answer',
  NotYours = 'inspection_not_yours',
  InvalidAssignee = 'inspection_invalid_assignee',
}

/** The HTTP status of each code (a code without one does not compile). */
errorStatuses<InspectionError>({
  [InspectionError.NotFound]: 404,
  [InspectionError.WrongState]: 409,
  [InspectionError.StaleVersion]: 409,
  [InspectionError.Incomplete]: 409,
  [InspectionError.PhotoRequired]: 409,
  [InspectionError.InvalidAnswer]: 400,
  [InspectionError.NotYours]: 403,
  [InspectionError.InvalidAssignee]: 400,
});

declare module '../common/problem/error-codes.js' {
  interface ErrorCodes {
    inspection: InspectionError;
  }
}
