export enum FindingError {
  NotFound = 'finding_not_found',
}
