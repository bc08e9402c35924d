import { Injectable } from '@nestjs/common';
import type { Actor } from '../access/actor.js';
import { hashPassword, isRecentPassword, verifyPassword } from './password.js';
import { passwordProblems } from '../common/password-rules.js';
import type { EntityManager } from 'typeorm';
import { PRIVILEGED_ROLES, Role } from '../access/roles.js';

/** Who may grant a privileged role at all (the admin only while no security admin exists: see assertMayGrant). */
const PRIVILEGED_GRANTORS: readonly Role[] = [Role.SecurityAdmin, Role.Admin];
import { AuditService } from '../audit/audit.service.js';
import { offsetOf, type Page, type PageQueryDto } from '../common/pagination.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { pathInActorSubtree } from '../access/scope.js';
import { Transactions } from '../common/transactions.js';
import { InstitutionsService } from '../institutions/institutions.service.js';
import { RegionsService } from '../regions/regions.service.js';
import { CredentialsCache } from './credentials-cache.js';
import type { CreateUserDto, UpdateUserDto } from './dto/user.dto.js';
import { UserError } from './users.errors.js';
import { UsersRepository, type CredentialRow, type UserRow } from './users.repository.js';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  regionCode: string | null;
  institutionId: string | null;
  active: boolean;
}

@Injectable()
export class UsersService {
  constructor(
    private readonly repository: UsersRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly regions: RegionsService,
    private readonly institutions: InstitutionsService,
    private readonly credentials: CredentialsCache,
  ) {}

  findCredentials(by: { id: string } | { username: string }): Promise<CredentialRow | undefined> {
    return this.repository.findCredentials(by);
  }

  async list(actor: Actor, filter: { role?: Role; regionCode?: string; institutionId?: string }, page: PageQueryDto): Promise<Page<User>> {
    const { rows, total } = await this.repository.list(actor, filter, page.pageSize, offsetOf(page));
    return { items: rows.map(toUser), total, page: page.page, pageSize: page.pageSize };
  }

  async get(actor: Actor, id: string): Promise<User> {
    const row = await this.repository.findInScope(actor, id);
    if (!row) throw notFound(id);
    return toUser(row);
  }

  async create(actor: Actor, input: CreateUserDto, options: { passwordChangeRequired?: boolean; demo?: boolean } = {}): Promise<User> {
    const { regionCode, institutionId, auditRegion } = await this.checkPlacement(actor, input);
    assertPasswordRules(input.password, input.username);
    const passwordHash = await hashPassword(input.password);
    return this.transactions.run(async (em) => {
      await this.assertMayGrant(em, actor, input.role);
      const row = await this.repository.insert(em, {
        username: input.username,
        passwordHash,
        displayName: input.displayName,
        role: input.role,
        regionCode,
        institutionId,
        // a password set by someone else is changed at first login
        passwordChangeRequired: options.passwordChangeRequired ?? true,
        demo: options.demo ?? false,
      });
      if (!row) throw new DomainException(UserError.DuplicateUsername, `Username ${input.username} is taken`);
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'user.create',
        entity: 'user',
        entityId: row.id,
        regionCode: auditRegion,
        data: { username: row.username, role: row.role, regionCode, institutionId },
      });
      return toUser(row);
    });
  }

  /**
   * The credentials an authenticated request checks, from memory when this
   * instance may trust it (see CredentialsCache), else from the database.
   */
  async credentialsForAuth(id: string): Promise<CredentialRow | undefined> {
    const cached = this.credentials.get(id);
    if (cached) return cached;
    const ticket = this.credentials.ticket();
    const row = await this.repository.findCredentials({ id });
    if (row) this.credentials.set(id, row, ticket);
    return row;
  }

  async update(actor: Actor, id: string, patch: UpdateUserDto): Promise<User> {
    if (patch.active === false && id === actor.id) {
      throw new DomainException(UserError.SelfDeactivation, 'You cannot deactivate your own account');
    }
    const updated = await this.transactions.run(async (em) => {
      const existing = await this.repository.findInScope(actor, id, em);
      if (!existing) throw notFound(id);
      await this.assertMayGrant(em, actor, existing.role);
      if (patch.password !== undefined) assertPasswordRules(patch.password, existing.username);
      const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
      const row = await this.repository.update(em, id, { displayName: patch.displayName, passwordHash, active: patch.active });
      const credentials = await this.auditRegionOf(row);
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'user.update',
        entity: 'user',
        entityId: id,
        regionCode: credentials,
        data: {
          displayName: patch.displayName,
          active: patch.active,
          passwordChanged: patch.password !== undefined ? true : undefined,
        },
      });
      return toUser(row);
    });
    // this instance forgets at once; the others when the database's notification arrives
    this.credentials.forget(id);
    return updated;
  }

  /**
   * 三权分立: the privileged roles (admin, security_admin, auditor) are granted,
   * changed and revoked by a security admin only, who manages no other account.
   * The one way in (bootstrap): while no security admin exists, the admin may
   * create one (and manage admins and auditors). Serialized by a lock, so two
   * admins cannot both create "the first" security admin.
   */
  private async assertMayGrant(em: EntityManager, actor: Actor, role: Role): Promise<void> {
    if (!PRIVILEGED_ROLES.includes(role)) {
      if (actor.role === Role.SecurityAdmin)
        throw new DomainException(UserError.ForbiddenRole, 'A security admin manages only the privileged roles');
      return;
    }
    if (actor.role === Role.SecurityAdmin) return;
    if (actor.role === Role.Admin && !(await this.repository.securityAdminExists(em))) return;
    throw new DomainException(
      UserError.ForbiddenRole,
      'Only a security admin grants, changes or revokes admin, security_admin and auditor',
    );
  }

  /** A security admin ends a lockout before LOCKOUT_MINUTES are over; audited. */
  async unlock(actor: Actor, id: string): Promise<User> {
    return this.transactions.run(async (em) => {
      const existing = await this.repository.findInScope(actor, id, em);
      if (!existing) throw notFound(id);
      await this.repository.recordUnlock(em, id);
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'user.unlock',
        entity: 'user',
        entityId: id,
        regionCode: await this.auditRegionOf(existing),
        data: {},
      });
      return toUser(existing);
    });
  }

  /** Removes a user's second factor (a lost phone; security admin, audited): the user enrols again at next login. */
  async resetTotp(actor: Actor, id: string): Promise<User> {
    const user = await this.transactions.run(async (em) => {
      const existing = await this.repository.findInScope(actor, id, em);
      if (!existing) throw notFound(id);
      await this.repository.resetTotp(em, id);
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'user.totp_reset',
        entity: 'user',
        entityId: id,
        regionCode: await this.auditRegionOf(existing),
        data: {},
      });
      return toUser(existing);
    });
    this.credentials.forget(id);
    return user;
  }

  /**
   * A user changes their own password: the current one must be right, the new
   * one must meet the rules and not repeat the last five. Every session ends;
   * `then` runs in the same transaction (the
   * caller ends the old sessions and opens a new one there) and its result is returned.
   */
  async changeOwnPassword<T>(
    id: string,
    currentPassword: string,
    newPassword: string,
    then: (em: EntityManager, credentials: CredentialRow) => Promise<T>,
  ): Promise<{ outcome: 'wrong_password' } | { outcome: 'changed'; result: T }> {
    const credentials = await this.repository.findCredentials({ id });
    if (!credentials || !(await verifyPassword(credentials.password_hash, currentPassword))) return { outcome: 'wrong_password' };
    assertPasswordRules(newPassword, credentials.username, 'newPassword');
    if (newPassword === currentPassword || (await isRecentPassword(newPassword, credentials.password_history))) {
      throw weakPassword(['新密码不能与最近 5 次使用过的密码相同'], 'newPassword');
    }
    const passwordHash = await hashPassword(newPassword);
    const result = await this.transactions.run(async (em) => {
      await this.repository.setOwnPassword(em, id, passwordHash);
      await this.audit.append(em, {
        actorId: id,
        action: 'user.password_change',
        entity: 'user',
        entityId: id,
        regionCode: await this.auditRegionOf(credentials),
        data: {},
      });
      return then(em, { ...credentials, token_version: credentials.token_version + 1, password_change_required: false });
    });
    this.credentials.forget(id);
    return { outcome: 'changed', result };
  }

  /** Login bookkeeping in the caller's transaction (AuthService): failures count in the database; a success clears them. */
  recordFailedLogin(em: EntityManager, id: string, threshold: number, lockMinutes: number): Promise<boolean> {
    return this.repository.recordFailedLogin(em, id, threshold, lockMinutes);
  }

  recordLogin(em: EntityManager, id: string): Promise<void> {
    return this.repository.recordLogin(em, id);
  }

  /**
   * Who may create whom: admin anyone; a bureau a bureau strictly below its
   * region, inspectors in its subtree and heads of institutions in its subtree;
   * never an admin. Returns the fields to store.
   */
  private async checkPlacement(
    actor: Actor,
    input: CreateUserDto,
  ): Promise<{ regionCode: string | null; institutionId: string | null; auditRegion: string | null }> {
    if (PRIVILEGED_ROLES.includes(input.role) ? !PRIVILEGED_GRANTORS.includes(actor.role) : actor.role === Role.SecurityAdmin) {
      throw new DomainException(UserError.ForbiddenRole, `A ${actor.role} cannot create a ${input.role}`);
    }
    switch (input.role) {
      case Role.Admin:
      case Role.SecurityAdmin:
      case Role.Auditor:
        if (input.regionCode || input.institutionId) throw invalid(`A ${input.role} has neither regionCode nor institutionId`);
        return { regionCode: null, institutionId: null, auditRegion: null };
      case Role.Bureau:
      case Role.Inspector: {
        if (!input.regionCode) throw invalid(`A ${input.role} needs a regionCode`, 'regionCode');
        if (input.institutionId) throw invalid(`A ${input.role} has no institutionId`, 'institutionId');
        const region = await this.regions.find(input.regionCode);
        if (!region) throw invalid(`Region ${input.regionCode} does not exist`, 'regionCode');
        const strictlyBelow = input.role === Role.Bureau && actor.role === Role.Bureau;
        if (!pathInActorSubtree(actor, region.path) || (strictlyBelow && region.code === actor.regionCode)) {
          throw new DomainException(
            UserError.OutOfScope,
            strictlyBelow
              ? `A bureau can create bureau users only for regions strictly inside ${actor.regionCode}`
              : `Region ${input.regionCode} is outside your scope`,
          );
        }
        return { regionCode: region.code, institutionId: null, auditRegion: region.code };
      }
      case Role.InstitutionHead: {
        if (!input.institutionId) throw invalid('An institution_head needs an institutionId', 'institutionId');
        if (input.regionCode) throw invalid('An institution_head has no regionCode', 'regionCode');
        const institution = await this.institutions.findInScope(actor, input.institutionId);
        if (!institution) throw invalid(`Institution ${input.institutionId} does not exist in your scope`, 'institutionId');
        return { regionCode: null, institutionId: institution.id, auditRegion: institution.regionCode };
      }
      default:
        throw invalid('Unknown role', 'role');
    }
  }

  private async auditRegionOf(row: UserRow): Promise<string | null> {
    if (row.region_code) return row.region_code;
    if (!row.institution_id) return null;
    const credentials = await this.repository.findCredentials({ id: row.id });
    return credentials?.institution_region_code ?? null;
  }
}

function notFound(id: string): DomainException {
  return new DomainException(UserError.NotFound, `User ${id} not found`);
}

function invalid(detail: string, field?: string): DomainException {
  return new DomainException(UserError.InvalidScope, detail, field ? { errors: [{ field, message: detail }] } : {});
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    regionCode: row.region_code,
    institutionId: row.institution_id,
    active: row.active,
  };
}

function weakPassword(problems: string[], field = 'password'): DomainException {
  return new DomainException(UserError.WeakPassword, problems.join('；'), { errors: problems.map((message) => ({ field, message })) });
}

function assertPasswordRules(password: string, username: string, field = 'password'): void {
  const problems = passwordProblems(password, username);
  if (problems.length > 0) throw weakPassword(problems, field);
}
