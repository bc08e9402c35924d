import { errorStatuses } from '../common/problem/error-codes.js';

export enum DrawError {
  RoundNotFound = 'draw_round_not_found',
  NotFound = 'draw_not_found',
  InvalidRequest = 'draw_invalid_request',
  WrongRound = 'draw_wrong_round',
  NotEnoughInspectors = 'draw_not_enough_inspectors',
  UserNotFound = 'draw_user_not_found',
  InstitutionNotFound = 'draw_institution_not_found',
  RecusalExists = 'draw_recusal_exists',
  RecusalNotFound = 'draw_recusal_not_found',
  NotPublished = 'draw_round_not_published',
}

/** The HTTP status of each code (a code without one does not compile). */
errorStatuses<DrawError>({
  [DrawError.RoundNotFound]: 404,
  [DrawError.NotFound]: 404,
  [DrawError.InvalidRequest]: 400,
  [DrawError.WrongRound]: 409,
  [DrawError.NotEnoughInspectors]: 409,
  [DrawError.UserNotFound]: 404,
  [DrawError.InstitutionNotFound]: 404,
  [DrawError.RecusalExists]: 409,
  [DrawError.RecusalNotFound]: 404,
  [DrawError.NotPublished]: 404,
});

declare module '../common/problem/error-codes.js' {
  interface ErrorCodes {
    draw: DrawError;
  }
}
