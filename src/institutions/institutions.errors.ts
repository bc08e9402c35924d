import { errorStatuses } from '../common/problem/error-codes.js';

export enum InstitutionError {
  NotFound = 'institution_not_found',
  DuplicateCreditCode = 'institution_duplicate_credit_code',
  UnknownRegion = 'institution_unknown_region',
  RegionOutOfScope = 'institution_region_out_of_scope',
  InvalidCsv = 'institution_invalid_csv',
  RevealNotAllowed = 'institution_reveal_not_allowed',
}

/** The HTTP status of each code (a code without one does not compile). */
errorStatuses<InstitutionError>({
  [InstitutionError.NotFound]: 404,
  [InstitutionError.DuplicateCreditCode]: 409,
  [InstitutionError.UnknownRegion]: 400,
  [InstitutionError.RegionOutOfScope]: 403,
  [InstitutionError.InvalidCsv]: 400,
  [InstitutionError.RevealNotAllowed]: 403,
});

declare module '../common/problem/error-codes.js' {
  interface ErrorCodes {
    institution: InstitutionError;
  }
}
