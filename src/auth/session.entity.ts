import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { UserEntity } from '../users/user.entity.js';

/**
 * A login session: what a refresh token renews. The refresh token is
 * `<session id>.<secret>`; only the digest of the current secret is kept, and
 * every refresh replaces it, so an older token shown again is a reuse and ends
 * the session. Access tokens name their session (`sid`) and stop working when
 * it ends: logout, reuse, idle for SESSION_IDLE_MINUTES, 12 hours old, a new
 * password.
 */
@Entity('auth_sessions')
@Check('auth_sessions_restriction_check', `"restriction" IN ('password_change', 'mfa_enrollment')`)
@Index('auth_sessions_user_open_idx', ['userId'], { where: '"ended_at" IS NULL' })
@Index('auth_sessions_expires_idx', ['expiresAt'])
export class AuthSessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'auth_sessions_user_id_fkey' })
  user?: Relation<UserEntity>;

  /** The user's token version at login: a new password or a deactivation ends the session. */
  @Column({ type: 'integer' })
  tokenVersion!: number;

  /** Digest (SHA-256 or SM3, per CRYPTO_SUITE) of the current refresh secret. */
  @Column({ type: 'text' })
  refreshDigest!: string;

  /** How many times the refresh token was rotated. */
  @Column({ type: 'integer', default: 0 })
  generation!: number;

  /** The session may only change the password, or only enrol a second factor. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  restriction!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  lastSeenAt!: Date;

  /** The absolute end: 12 hours after login. */
  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  /** logout, refresh_reuse, idle, expired, password_changed, mfa_changed. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  endReason!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;
}
