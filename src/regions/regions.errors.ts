import { errorStatuses } from '../common/problem/error-codes.js';

export enum RegionError {
  NotFound = 'region_not_found',
  DuplicateCode = 'region_duplicate_code',
  InvalidParent = 'region_invalid_parent',
  UnknownProvince = 'region_unknown_province',
}

/** The HTTP status of each code (a code without one does not compile). */
errorStatuses<RegionError>({
  [RegionError.NotFound]: 404,
  [RegionError.DuplicateCode]: 409,
  [RegionError.InvalidParent]: 400,
  [RegionError.UnknownProvince]: 400,
});

declare module '../common/problem/error-codes.js' {
  interface ErrorCodes {
    region: RegionError;
  }
}
