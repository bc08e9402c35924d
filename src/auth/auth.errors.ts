export enum AuthError {
  InvalidCredentials = 'invalid_credentials',
  InvalidToken = 'invalid_token',
  MissingPermission = 'missing_permission',
  UndeclaredRoute = 'undeclared_route',
}
