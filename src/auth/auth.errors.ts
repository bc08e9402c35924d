import { errorStatuses } from '../common/problem/error-codes.js';

export enum AuthError {
  InvalidCredentials = 'invalid_credentials',
  InvalidToken = 'invalid_token',
  MissingPermission = 'missing_permission',
  UndeclaredRoute = 'undeclared_route',
  PasswordChangeRequired = 'password_change_required',
  WrongCurrentPassword = 'wrong_current_password',
  InvalidRefreshToken = 'invalid_refresh_token',
  TotpRequired = 'totp_required',
  InvalidTotp = 'invalid_totp',
  WrongTotpCode = 'wrong_totp_code',
  MfaEnrollmentRequired = 'mfa_enrollment_required',
  TotpAlreadyEnabled = 'totp_already_enabled',
  TotpNotEnrolling = 'totp_not_enrolling',
  AddressNotAllowed = 'address_not_allowed',
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
  [AuthError.InvalidRefreshToken]: 401,
  // the password was right: the client asks for the code (a missing code is not a failed login)
  [AuthError.TotpRequired]: 401,
  // a wrong code at login counts as a failed login
  [AuthError.InvalidTotp]: 401,
  // a wrong code while confirming enrolment: the session is fine, the field is wrong
  [AuthError.WrongTotpCode]: 400,
  [AuthError.MfaEnrollmentRequired]: 403,
  [AuthError.TotpAlreadyEnabled]: 409,
  [AuthError.TotpNotEnrolling]: 409,
  [AuthError.AddressNotAllowed]: 403,
});

declare module '../common/problem/error-codes.js' {
  interface ErrorCodes {
    auth: AuthError;
  }
}
