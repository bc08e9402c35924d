import { errorStatuses } from '../common/problem/error-codes.js';

export enum UserError {
  NotFound = 'user_not_found',
  DuplicateUsername = 'user_duplicate_username',
  InvalidScope = 'user_invalid_scope',
  ForbiddenRole = 'user_forbidden_role',
  OutOfScope = 'user_out_of_scope',
  SelfDeactivation = 'user_self_deactivation',
  WeakPassword = 'user_weak_password',
}

/** The HTTP status of each code (a code without one does not compile). */
errorStatuses<UserError>({
  [UserError.NotFound]: 404,
  [UserError.DuplicateUsername]: 409,
  [UserError.InvalidScope]: 400,
  [UserError.ForbiddenRole]: 403,
  [UserError.OutOfScope]: 403,
  [UserError.SelfDeactivation]: 409,
  [UserError.WeakPassword]: 400,
});

declare module '../common/problem/error-codes.js' {
  interface ErrorCodes {
    user: UserError;
  }
}
