import { errorStatuses } from '../common/problem/error-codes.js';

export enum ReportError {
  RegionNotFound = 'report_region_not_found',
  InvalidRequest = 'report_invalid_request',
}

/** The HTTP status of each code (a code without one does not compile). */
errorStatuses<ReportError>({
  [ReportError.RegionNotFound]: 404,
  [ReportError.InvalidRequest]: 400,
});

declare module '../common/problem/error-codes.js' {
  interface ErrorCodes {
    report: ReportError;
  }
}
