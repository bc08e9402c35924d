import { errorStatuses } from '../common/problem/error-codes.js';

export enum RoundError {
  NotFound = 'round_not_found',
  InvalidRound = 'round_invalid',
  RegionOutOfScope = 'round_region_out_of_scope',
  WrongState = 'round_wrong_state',
}

/** The HTTP status of each code (a code without one does not compile). */
errorStatuses<RoundError>({
  [RoundError.NotFound]: 404,
  [RoundError.InvalidRound]: 400,
  [RoundError.RegionOutOfScope]: 403,
  [RoundError.WrongState]: 409,
});

declare module '../common/problem/error-codes.js' {
  interface ErrorCodes {
    round: RoundError;
  }
}
