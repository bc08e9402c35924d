export enum UserError {
  NotFound = 'user_not_found',
  DuplicateUsername = 'user_duplicate_username',
  InvalidScope = 'user_invalid_scope',
  ForbiddenRole = 'user_forbidden_role',
  OutOfScope = 'user_out_of_scope',
  SelfDeactivation = 'user_self_deactivation',
}
