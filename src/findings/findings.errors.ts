export enum FindingError {
  NotFound = 'finding_not_found',
  WrongState = 'finding_wrong_state',
  InvalidRequest = 'finding_invalid_request',
  OwnRectification = 'finding_own_rectification',
}
