export enum ReportError {
  RegionNotFound = 'report_region_not_found',
  InvalidRequest = 'report_invalid_request',
}
