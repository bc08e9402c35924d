import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { InstitutionEntity } from '../institutions/institution.entity.js';
import { RegionEntity } from '../regions/region.entity.js';

@Entity('users')
@Check('users_role_check', `"role" IN ('admin', 'security_admin', 'auditor', 'bureau', 'inspector', 'institution_head')`)
@Check(
  'users_role_scope_check',
  `("role" IN ('admin', 'security_admin', 'auditor') AND "region_code" IS NULL AND "institution_id" IS NULL)
   OR ("role" IN ('bureau', 'inspector') AND "region_code" IS NOT NULL AND "institution_id" IS NULL)
   OR ("role" = 'institution_head' AND "institution_id" IS NOT NULL AND "region_code" IS NULL)`,
)
@Index('users_username_lower_key', { synchronize: false })
@Index('users_role_region_idx', ['role', 'regionCode'])
@Index('users_institution_idx', ['institutionId'])
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  username!: string;

  @Column({ type: 'text' })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 100 })
  displayName!: string;

  @Column({ type: 'varchar', length: 20 })
  role!: string;

  @Column({ type: 'varchar', length: 9, nullable: true })
  regionCode!: string | null;

  @ManyToOne(() => RegionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'region_code', foreignKeyConstraintName: 'users_region_code_fkey' })
  region?: Relation<RegionEntity>;

  @Column({ type: 'uuid', nullable: true })
  institutionId!: string | null;

  @ManyToOne(() => InstitutionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'institution_id', foreignKeyConstraintName: 'users_institution_id_fkey' })
  institution?: Relation<InstitutionEntity>;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** Bumped on password change and deactivation: tokens carry it and stop working when it moves. */
  @Column({ type: 'integer', default: 1 })
  tokenVersion!: number;

  /** When the password was last set (PASSWORD_MAX_AGE_DAYS counts from here). */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  passwordChangedAt!: Date;

  /** Set by someone else (or expired): the next login may only change it. */
  @Column({ type: 'boolean', default: false })
  passwordChangeRequired!: boolean;

  /** The argon2 hashes of the last passwords, newest first (a new one may not repeat them). */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  passwordHistory!: string[];

  /** Consecutive failed logins; LOCKOUT_THRESHOLD of them lock the account until `lockedUntil`. */
  @Column({ type: 'integer', default: 0 })
  failedLogins!: number;

  @Column({ type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastLoginAt!: Date | null;

  /** When the account was created or last re-enabled: with lastLoginAt, the clock of DORMANT_DAYS. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  activatedAt!: Date;

  /** The TOTP secret (RFC 6238), encrypted with DATA_KEY; set once a code confirmed it. */
  @Column({ type: 'text', nullable: true })
  totpSecret!: string | null;

  /** A secret enrolled but not yet confirmed by a code (encrypted). */
  @Column({ type: 'text', nullable: true })
  totpPendingSecret!: string | null;

  /** The last 30-second step a code was accepted for: a code is good once (RFC 6238 §5.2). */
  @Column({ type: 'integer', nullable: true })
  totpLastStep!: number | null;

  /** The unused recovery codes, encrypted together (each opens one login without the app). */
  @Column({ type: 'text', nullable: true })
  recoveryCodes!: string | null;

  /** Created by the demo seed: may log in without a second factor while SEED_DEMO is on. */
  @Column({ type: 'boolean', default: false })
  demo!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
