export enum RoundError {
  NotFound = 'round_not_found',
  InvalidRound = 'round_invalid',
  RegionOutOfScope = 'round_region_out_of_scope',
  WrongState = 'round_wrong_state',
}
