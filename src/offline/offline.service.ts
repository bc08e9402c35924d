import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Actor } from '../access/actor.js';
import { hasPermission, Permission } from '../access/permissions.js';
import { Role } from '../access/roles.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { AuthError } from '../auth/auth.errors.js';
import type { FindingDto } from '../findings/dto/finding.dto.js';
import { FindingsService } from '../findings/findings.service.js';
import { InspectionsService, type Inspection } from '../inspections/inspections.service.js';
import { InstitutionsService, type Institution } from '../institutions/institutions.service.js';
import type { Template } from '../templates/template.types.js';
import { toUser, UsersService, type User } from '../users/users.service.js';

export interface OfflinePack {
  generatedAt: string;
  user: User;
  inspections: (Inspection & { template: Template })[];
  findings: FindingDto[];
  institutions: Institution[];
}

/**
 * 离线填报: everything an actor needs in the field, in one answer, so a device
 * can work without network. The ETag is the SHA-256 of the pack without
 * `generatedAt`: it changes exactly when the content does.
 */
@Injectable()
export class OfflineService {
  constructor(
    private readonly inspections: InspectionsService,
    private readonly findings: FindingsService,
    private readonly institutions: InstitutionsService,
    private readonly users: UsersService,
  ) {}

  async pack(actor: Actor): Promise<{ pack: OfflinePack; etag: string }> {
    const credentials = await this.users.findCredentials({ id: actor.id });
    if (!credentials) throw new DomainException(AuthError.InvalidToken, 'Missing, invalid or expired access token');
    const head = actor.role === Role.InstitutionHead;
    // a head gets every open inspection of its institution (it sees the supervisory one coming); others what they may fill
    const inspections = await this.inspections.listOpen(actor, !head);
    // a head: what is still to rectify or awaits verification; a verifier: what it may verify
    const findings = head
      ? await this.findings.listByStatus(actor, ['open', 'pending_verification'])
      : hasPermission(actor.role, Permission.VerifyFindings)
        ? await this.findings.listByStatus(actor, ['pending_verification'], { verifiable: true })
        : [];
    const institutions = await this.institutions.findManyInScope(actor, [
      ...inspections.map((x) => x.institutionId),
      ...findings.map((x) => x.institutionId),
    ]);
    const content = { user: toUser(credentials), inspections, findings, institutions };
    const etag = `"${createHash('sha256').update(JSON.stringify(content)).digest('hex')}"`;
    return { pack: { generatedAt: new Date().toISOString(), ...content }, etag };
  }
}
