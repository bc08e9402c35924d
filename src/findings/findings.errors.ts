import { errorStatuses } from '../common/problem/error-codes.js';

export enum FindingError {
  NotFound = 'finding_not_found',
  WrongState = 'finding_wrong_state',
  InvalidRequest = 'finding_invalid_request',
  OwnRectification = 'finding_own_rectification',
}

/** The HTTP status of each code (a code without one does not compile). */
errorStatuses<FindingError>({
  [FindingError.NotFound]: 404,
  [FindingError.WrongState]: 409,
  [FindingError.InvalidRequest]: 400,
  [FindingError.OwnRectification]: 403,
});

declare module '../common/problem/error-codes.js' {
  interface ErrorCodes {
    finding: FindingError;
  }
}
