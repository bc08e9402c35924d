import { errorStatuses } from '../common/problem/error-codes.js';

export enum AuthError {
  InvalidCredentials = 'invalid_credentials',
  InvalidToken = 'invalid_token',
  MissingPermission = 'missing_permission',
  UndeclaredRoute = 'undeclared_route',
}

/** The HTTP status of each code (a code without one does not compile). */
errorStatuses<AuthError>({
  [AuthError.InvalidCredentials]: 401,
  [AuthError.InvalidToken]: 401,
  [AuthError.MissingPermission]: 403,
  [AuthError.UndeclaredRoute]: 403,
});

declare module '../common/problem/error-codes.js' {
  interface ErrorCodes {
    auth: AuthError;
  }
}
