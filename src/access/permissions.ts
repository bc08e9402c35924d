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
  ReadTemplates = 'templates.read',
  ManageTemplates = 'templates.manage',
  ReadRounds = 'rounds.read',
  ManageRounds = 'rounds.manage',
  ReadInspections = 'inspections.read',
  FillInspections = 'inspections.fill',
  AssignInspections = 'inspections.assign',
  ReadFindings = 'findings.read',
  CreateFindings = 'findings.create',
  RectifyFindings = 'findings.rectify',
  VerifyFindings = 'findings.verify',
  ExtendFindings = 'findings.extend',
  ReadNotifications = 'notifications.read',
  RunJobs = 'jobs.run',
  ManageChannels = 'channels.manage',
  ReadReports = 'reports.read',
  UploadAttachments = 'attachments.upload',
  ReadAttachments = 'attachments.read',
}

const EVERYONE = [
  Permission.ReadSelf,
  Permission.ReadRegions,
  Permission.ReadInstitutions,
  Permission.ReadTemplates,
  Permission.ReadRounds,
  Permission.ReadInspections,
  Permission.ReadFindings,
  Permission.UploadAttachments,
  Permission.ReadAttachments,
  Permission.ReadNotifications,
];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  // admin: everything but filling checklists, which needs someone in the building
  [Role.Admin]: new Set(Object.values(Permission).filter((p) => p !== Permission.FillInspections)),
  [Role.Bureau]: new Set([
    ...EVERYONE,
    Permission.ReadUsers,
    Permission.ManageUsers,
    Permission.ManageInstitutions,
    Permission.ReadAudit,
    Permission.ManageTemplates,
    Permission.ManageRounds,
    Permission.AssignInspections,
    Permission.CreateFindings,
    Permission.RectifyFindings,
    Permission.VerifyFindings,
    Permission.ExtendFindings,
    Permission.ReadReports,
    Permission.ManageChannels,
  ]),
  // filling is the job of inspectors (supervisory) and heads (self-check); which inspection is decided by its kind
  [Role.Inspector]: new Set([...EVERYONE, Permission.FillInspections, Permission.CreateFindings, Permission.VerifyFindings]),
  [Role.InstitutionHead]: new Set([...EVERYONE, Permission.FillInspections, Permission.RectifyFindings]),
};

export function hasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}
