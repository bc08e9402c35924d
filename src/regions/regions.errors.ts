export enum RegionError {
  NotFound = 'region_not_found',
  DuplicateCode = 'region_duplicate_code',
  InvalidParent = 'region_invalid_parent',
  UnknownProvince = 'region_unknown_province',
}
