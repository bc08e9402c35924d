import { errorStatuses } from '../common/problem/error-codes.js';

export enum AuthError {
  InvalidCredentials = 'invalid_credentials',
  InvalidToken = 'invalid_token',
  MissingPermission = 'missing_permission',
  UndeclaredRoute = 'undeclared_route',
  PasswordChangeRequired = 'password_change_required',
  WrongCurrentPassword = 'wrong_current_password',
}

/** The HTTP status of each code (a code without one does not compile). */
errorStatuses<AuthError>({
  [AuthError.InvalidCredentials]: 401,
  [AuthError.InvalidToken]: 401,
  [AuthError.MissingPermission]: 403,
  [AuthError.UndeclaredRoute]: 403,
  [AuthError.PasswordChangeRequired]: 403,
  // 400, not 401: the session is fine, the field is wrong (a 401 would ask the app to log in again)
  [AuthError.WrongCurrentPassword]: 400,
});

declare module '../common/problem/error-codes.js' {
  interface ErrorCodes {
    auth: AuthError;
  }
}
