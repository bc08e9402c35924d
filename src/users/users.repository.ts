import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { Role } from '../access/roles.js';
import { pagedSelect } from '../common/paged-select.js';
import { regionInSubtree, SqlParams } from '../access/scope.js';
import { preparedQuery } from '../common/prepared.js';
import { PASSWORD_RULES } from '../common/password-rules.js';

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  region_code: string | null;
  institution_id: string | null;
  active: boolean;
}

export interface CredentialRow extends UserRow {
  password_hash: string;
  token_version: number;
  password_changed_at: Date;
  password_change_required: boolean;
  password_history: string[];
  locked_until: Date | null;
  /** Encrypted (DATA_KEY); null until a code confirmed the enrolment. */
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_last_step: number | null;
  /** The unused recovery codes, encrypted together. */
  recovery_codes: string | null;
  demo: boolean;
  region_path: string | null;
  /** Region of the user's institution (heads), for audit scoping. */
  institution_region_code: string | null;
}

export interface DormantRow {
  id: string;
  username: string;
  role: Role;
  region_code: string | null;
  last_login_at: Date | null;
}

const USER_COLUMNS = 'u.id, u.username, u.display_name, u.role, u.region_code, u.institution_id, u.active';

@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Everything authentication needs, by id or by username (case-insensitive). */
  async findCredentials(by: { id: string } | { username: string }): Promise<CredentialRow | undefined> {
    const where = 'id' in by ? 'u.id = $1' : 'lower(u.username) = lower($1)';
    // every authenticated request reads its user: a prepared statement
    const rows = await preparedQuery<CredentialRow>(
      this.dataSource,
      `SELECT ${USER_COLUMNS}, u.password_hash, u.token_version, u.password_changed_at, u.password_change_required, u.password_history,
              u.locked_until, u.totp_secret, u.totp_pending_secret, u.totp_last_step, u.recovery_codes, u.demo, r.path AS region_path, i.region_code AS institution_region_code
       FROM users u
       LEFT JOIN regions r ON r.code = u.region_code
       LEFT JOIN institutions i ON i.id = u.institution_id
       WHERE ${where}`,
      ['id' in by ? by.id : by.username],
    );
    return rows[0];
  }

  async findInScope(actor: Actor, id: string, em: EntityManager = this.dataSource.manager): Promise<UserRow | undefined> {
    const params = new SqlParams();
    const scope = this.scope(actor, params);
    const rows = (await em.query(
      `SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ${params.add(id)} AND ${scope}`,
      params.values,
    )) as UserRow[];
    return rows[0];
  }

  async list(
    actor: Actor,
    filter: { role?: Role; regionCode?: string; institutionId?: string },
    limit: number,
    offset: number,
  ): Promise<{ rows: UserRow[]; total: number }> {
    const params = new SqlParams();
    const where = [this.scope(actor, params)];
    if (filter.role) where.push(`u.role = ${params.add(filter.role)}`);
    if (filter.regionCode) where.push(`u.region_code = ${params.add(filter.regionCode)}`);
    if (filter.institutionId) where.push(`u.institution_id = ${params.add(filter.institutionId)}`);
    return pagedSelect<UserRow>(
      this.dataSource,
      { columns: USER_COLUMNS, from: 'users u', where: where.join(' AND '), orderBy: 'u.username' },
      params,
      limit,
      offset,
    );
  }

  /** Inserts a user; undefined when the username is taken (in any letter case). */
  async insert(
    em: EntityManager,
    user: {
      username: string;
      passwordHash: string;
      displayName: string;
      role: Role;
      regionCode: string | null;
      institutionId: string | null;
      /** Set by someone else: the user changes it at first login. */
      passwordChangeRequired: boolean;
      /** A demo account (may skip the second factor while SEED_DEMO is on). */
      demo?: boolean;
    },
  ): Promise<UserRow | undefined> {
    const rows = (await em.query(
      `INSERT INTO users AS u (username, password_hash, display_name, role, region_code, institution_id, password_change_required, demo)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (lower(username)) DO NOTHING
       RETURNING ${USER_COLUMNS}`,
      [
        user.username,
        user.passwordHash,
        user.displayName,
        user.role,
        user.regionCode,
        user.institutionId,
        user.passwordChangeRequired,
        user.demo ?? false,
      ],
    )) as UserRow[];
    return rows[0];
  }

  /** Applies a patch; a new password or a deactivation moves the token version so existing tokens stop working. */
  async update(em: EntityManager, id: string, patch: { displayName?: string; passwordHash?: string; active?: boolean }): Promise<UserRow> {
    const params = new SqlParams();
    const sets = ['updated_at = now()'];
    if (patch.displayName !== undefined) sets.push(`display_name = ${params.add(patch.displayName)}`);
    if (patch.passwordHash !== undefined) {
      // set by someone else: the old one joins the history, and the user must change it at next login
      sets.push(`password_history = (ARRAY[u.password_hash] || u.password_history)[1:${PASSWORD_RULES.history}]`);
      sets.push(`password_hash = ${params.add(patch.passwordHash)}`, 'password_changed_at = now()', 'password_change_required = true');
    }
    if (patch.active !== undefined) sets.push(`active = ${params.add(patch.active)}`);
    // re-enabled: the dormant clock starts again
    if (patch.active === true) sets.push('activated_at = CASE WHEN u.active THEN u.activated_at ELSE now() END');
    if (patch.passwordHash !== undefined || patch.active === false) sets.push('token_version = token_version + 1');
    const rows = (await em.query(
      `UPDATE users AS u SET ${sets.join(', ')} WHERE u.id = ${params.add(id)} RETURNING ${USER_COLUMNS}`,
      params.values,
    )) as [UserRow[], number];
    return rows[0][0];
  }

  /** A user's own new password: the old one joins the history, the change requirement ends, other sessions end. */
  async setOwnPassword(em: EntityManager, id: string, passwordHash: string): Promise<void> {
    await em.query(
      `UPDATE users AS u SET password_history = (ARRAY[u.password_hash] || u.password_history)[1:${PASSWORD_RULES.history}],
         password_hash = $2, password_changed_at = now(), password_change_required = false, token_version = token_version + 1, updated_at = now()
       WHERE u.id = $1`,
      [id, passwordHash],
    );
  }

  /**
   * Counts a failed login in the database (so every instance sees the same
   * count); the LOCKOUT_THRESHOLD-th locks the account for LOCKOUT_MINUTES.
   * Returns whether this failure locked it.
   */
  async recordFailedLogin(em: EntityManager, id: string, threshold: number, lockMinutes: number): Promise<boolean> {
    const rows = (await em.query(
      `UPDATE users AS u SET
         failed_logins = CASE WHEN u.failed_logins + 1 >= $2 THEN 0 ELSE u.failed_logins + 1 END,
         locked_until = CASE WHEN u.failed_logins + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE u.locked_until END
       WHERE u.id = $1 RETURNING u.failed_logins = 0 AS locked`,
      [id, threshold, lockMinutes],
    )) as [{ locked: boolean }[], number];
    return rows[0][0]?.locked === true;
  }

  /** Whether a security admin exists, under a lock held to the end of the transaction (see UsersService.assertMayGrant). */
  async securityAdminExists(em: EntityManager): Promise<boolean> {
    await em.query('SELECT pg_advisory_xact_lock(726434004)');
    return ((await em.query(`SELECT 1 FROM users WHERE role = 'security_admin' AND active LIMIT 1`)) as unknown[]).length > 0;
  }

  async setTotpPending(em: EntityManager, id: string, encryptedSecret: string): Promise<void> {
    await em.query(`UPDATE users SET totp_pending_secret = $2, updated_at = now() WHERE id = $1`, [id, encryptedSecret]);
  }

  /** The pending secret becomes the second factor, with its first accepted step and the recovery codes. */
  async confirmTotp(em: EntityManager, id: string, step: number, encryptedCodes: string): Promise<void> {
    await em.query(
      `UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, totp_last_step = $2, recovery_codes = $3, updated_at = now()
       WHERE id = $1 AND totp_pending_secret IS NOT NULL`,
      [id, step, encryptedCodes],
    );
  }

  /** Spends a TOTP step; false when it (or a later one) was already used, e.g. by a concurrent login with the same code. */
  async useTotpStep(em: EntityManager, id: string, step: number): Promise<boolean> {
    const rows = (await em.query(
      `UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id`,
      [id, step],
    )) as [unknown[], number];
    return rows[1] > 0;
  }

  /** Replaces the recovery codes if they are still `expected` (a code is spent once, even by concurrent logins). */
  async replaceRecoveryCodes(em: EntityManager, id: string, expected: string, next: string): Promise<boolean> {
    const rows = (await em.query(`UPDATE users SET recovery_codes = $3 WHERE id = $1 AND recovery_codes = $2 RETURNING id`, [
      id,
      expected,
      next,
    ])) as [unknown[], number];
    return rows[1] > 0;
  }

  /** Removes the second factor (a security admin, for a lost phone); every session of the user ends with the token version. */
  async resetTotp(em: EntityManager, id: string): Promise<void> {
    await em.query(
      `UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL, recovery_codes = NULL,
         token_version = token_version + 1, updated_at = now() WHERE id = $1`,
      [id],
    );
  }

  /**
   * Disables the accounts with no login (nor enabling) for `days` days. An
   * admin or security admin is kept while no other holder of that role is
   * active and recently used: the system is never left without one.
   */
  async disableDormant(em: EntityManager, days: number): Promise<DormantRow[]> {
    const used = (alias: string) => `GREATEST(COALESCE(${alias}.last_login_at, '-infinity'), ${alias}.activated_at)`;
    return (
      (await em.query(
        `UPDATE users AS u SET active = false, token_version = u.token_version + 1, updated_at = now()
         WHERE u.active AND ${used('u')} < now() - make_interval(days => $1)
           AND NOT (u.role IN ('admin', 'security_admin') AND NOT EXISTS (
             SELECT 1 FROM users o WHERE o.role = u.role AND o.active AND o.id <> u.id AND ${used('o')} >= now() - make_interval(days => $1)))
         RETURNING u.id, u.username, u.role, COALESCE(u.region_code, (SELECT region_code FROM institutions WHERE id = u.institution_id)) AS region_code,
           u.last_login_at`,
        [days],
      )) as [DormantRow[], number]
    )[0];
  }

  async recordUnlock(em: EntityManager, id: string): Promise<void> {
    await em.query(`UPDATE users SET failed_logins = 0, locked_until = NULL, updated_at = now() WHERE id = $1`, [id]);
  }

  async recordLogin(em: EntityManager, id: string): Promise<void> {
    await em.query(`UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = now() WHERE id = $1`, [id]);
  }

  /** Admin bootstrap: serialized by a transaction-level advisory lock so concurrent boots create one admin. */
  async insertAdminIfNone(
    em: EntityManager,
    username: string,
    passwordHash: string,
    passwordChangeRequired: boolean,
  ): Promise<UserRow | undefined> {
    await em.query('SELECT pg_advisory_xact_lock(726434003)');
    const existing = (await em.query(`SELECT 1 FROM users WHERE role = 'admin' LIMIT 1`)) as unknown[];
    if (existing.length > 0) return undefined;
    return this.insert(em, {
      username,
      passwordHash,
      displayName: '系统管理员',
      role: Role.Admin,
      regionCode: null,
      institutionId: null,
      passwordChangeRequired,
    });
  }

  /**
   * Users the actor may see and manage: admin all; a bureau the inspectors of
   * its subtree, the heads of institutions in it and the bureaus strictly below it.
   */
  private scope(actor: Actor, params: SqlParams): string {
    if (actor.role === Role.Admin || actor.role === Role.SecurityAdmin || actor.role === Role.Auditor) return 'TRUE';
    if (actor.role !== Role.Bureau || !actor.regionPath || !actor.regionCode) return 'FALSE';
    const inSubtree = regionInSubtree(actor.regionPath, 'u.region_code', params);
    const own = params.add(actor.regionCode);
    const headScope = `u.institution_id IN (SELECT id FROM institutions WHERE ${regionInSubtree(actor.regionPath, 'region_code', params)})`;
    return `((u.role = 'inspector' AND ${inSubtree}) OR (u.role = 'bureau' AND ${inSubtree} AND u.region_code <> ${own}) OR (u.role = 'institution_head' AND ${headScope}))`;
  }
}
