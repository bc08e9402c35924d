import { Role } from './roles.js';

/**
 * Every right in the product, and which role holds it: the ONE place to read
 * who may do what. Object scope (which rows) is checked in the queries.
 */
export enum Permission {
  ReadSelf = 'self.read',
  ReadUsers = 'users.read',
  ManageUsers = 'users.manage',
  ReadRegions = 'regions.read',
  ManageRegions = 'regions.manage',
  ReadInstitutions = 'institutions.read',
  ManageInstitutions = 'institutions.manage',
  ReadAudit = 'audit.read',
  VerifyAudit = 'audit.verify',
}

const EVERYONE = [Permission.ReadSelf, Permission.ReadRegions, Permission.ReadInstitutions];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  [Role.Admin]: new Set(Object.values(Permission)),
  [Role.Bureau]: new Set([...EVERYONE, Permission.ReadUsers, Permission.ManageUsers, Permission.ManageInstitutions, Permission.ReadAudit]),
  [Role.Inspector]: new Set(EVERYONE),
  [Role.InstitutionHead]: new Set(EVERYONE),
};

export function hasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}
