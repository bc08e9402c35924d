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
