export enum Role {
  /** 系统管理员: the system work (regions, templates, jobs, any account but the privileged ones). */
  Admin = 'admin',
  /** 安全管理员: grants and revokes the privileged roles, unlocks accounts. */
  SecurityAdmin = 'security_admin',
  /** 安全审计员: reads the audit trail and the security events everywhere; changes nothing. */
  Auditor = 'auditor',
  Bureau = 'bureau',
  Inspector = 'inspector',
  InstitutionHead = 'institution_head',
}

export const ROLES = Object.values(Role);

/** The three separated duties (三权分立): granted only by a security admin (see UsersService). */
export const PRIVILEGED_ROLES: readonly Role[] = [Role.Admin, Role.SecurityAdmin, Role.Auditor];
