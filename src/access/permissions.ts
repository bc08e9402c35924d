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
  /** See personal data (a phone number) in full: each time audited. */
  RevealPersonalData = 'personal-data.reveal',
  /** Grant and revoke the privileged roles, unlock accounts (the security admin's alone). */
  ManageSecurity = 'security.manage',
  ReadCalendar = 'calendar.read',
  ReadDocuments = 'documents.read',
  IssueDocuments = 'documents.issue',
  IssueSupervision = 'documents.supervision',
  RevokeDocuments = 'documents.revoke',
  ManageDocumentSettings = 'documents.settings',
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
  Permission.ReadCalendar,
  Permission.ReadDocuments,
];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  // admin: everything but filling checklists (someone in the building), personal data in full, and security (三权分立)
  [Role.Admin]: new Set(
    Object.values(Permission).filter(
      (p) => p !== Permission.FillInspections && p !== Permission.RevealPersonalData && p !== Permission.ManageSecurity,
    ),
  ),
  [Role.SecurityAdmin]: new Set([
    Permission.ReadSelf,
    Permission.ReadUsers,
    Permission.ManageUsers,
    Permission.ManageSecurity,
    // lockouts, copied sessions, bursts of refusals, a broken audit chain: told in the app
    Permission.ReadNotifications,
  ]),
  [Role.Auditor]: new Set([Permission.ReadSelf, Permission.ReadUsers, Permission.ReadAudit, Permission.VerifyAudit]),
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
    Permission.RevealPersonalData,
    Permission.IssueDocuments,
    Permission.IssueSupervision,
    Permission.RevokeDocuments,
    Permission.ManageDocumentSettings,
    Permission.ManageChannels,
  ]),
  // filling is the job of inspectors (supervisory) and heads (self-check); which inspection is decided by its kind
  [Role.Inspector]: new Set([
    ...EVERYONE,
    Permission.FillInspections,
    Permission.CreateFindings,
    Permission.VerifyFindings,
    Permission.IssueDocuments,
  ]),
  [Role.InstitutionHead]: new Set([...EVERYONE, Permission.FillInspections, Permission.RectifyFindings]),
};

export function hasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}
