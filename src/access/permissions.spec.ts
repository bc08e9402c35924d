import { describe, expect, it } from '@jest/globals';
import { Permission, ROLE_PERMISSIONS } from './permissions.js';
import { PRIVILEGED_ROLES, Role, ROLES } from './roles.js';

describe('三权分立 in the permission table', () => {
  it('gives no role both the security duties and the audit', () => {
    const both = ROLES.filter((role) => {
      const p = ROLE_PERMISSIONS[role];
      return p.has(Permission.ManageSecurity) && (p.has(Permission.ReadAudit) || p.has(Permission.VerifyAudit));
    });
    expect(both).toEqual([]);
  });

  it('gives the security duties to the security admin alone, and lets the auditor change nothing', () => {
    expect(ROLES.filter((role) => ROLE_PERMISSIONS[role].has(Permission.ManageSecurity))).toEqual([Role.SecurityAdmin]);
    expect([...ROLE_PERMISSIONS[Role.Auditor]].sort()).toEqual(
      [Permission.ReadAudit, Permission.ReadSelf, Permission.ReadUsers, Permission.VerifyAudit].sort(),
    );
    expect(PRIVILEGED_ROLES).toEqual([Role.Admin, Role.SecurityAdmin, Role.Auditor]);
  });
});
