export enum InstitutionError {
  NotFound = 'institution_not_found',
  DuplicateCreditCode = 'institution_duplicate_credit_code',
  UnknownRegion = 'institution_unknown_region',
  RegionOutOfScope = 'institution_region_out_of_scope',
  InvalidCsv = 'institution_invalid_csv',
}
