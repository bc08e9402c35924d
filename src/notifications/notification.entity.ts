import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { UserEntity } from '../users/user.entity.js';

/**
 * An in-app notification; at most one per finding, kind and recipient. A
 * `digest` is about several findings (`findingIds`), at most one per recipient and day.
 * A `security` notice (to the security admins: a lockout, a burst of refusals,
 * a broken audit chain) is about no finding.
 */
@Entity('notifications')
@Check(
  'notifications_kind_check',
  `"kind" IN ('finding_created', 'deadline_reminder', 'overdue', 'escalation', 'rectification_submitted', 'rectification_rejected', 'digest', 'security')`,
)
@Check(
  'notifications_digest_check',
  `("kind" IN ('digest', 'security')) = ("finding_id" IS NULL) AND ("kind" = 'digest') = ("digest_on" IS NOT NULL)`,
)
@Index('notifications_finding_kind_recipient_key', ['findingId', 'kind', 'recipientId'], { unique: true })
@Index('notifications_digest_key', ['recipientId', 'digestOn'], { unique: true, where: `"kind" = 'digest'` })
@Index('notifications_recipient_idx', ['recipientId', 'createdAt'])
export class NotificationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  recipientId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'recipient_id', foreignKeyConstraintName: 'notifications_recipient_id_fkey' })
  recipient?: Relation<UserEntity>;

  @Column({ type: 'varchar', length: 32 })
  kind!: string;

  /** Null on a digest and a security notice. */
  @Column({ type: 'uuid', nullable: true })
  findingId!: string | null;

  /** The findings a digest is about (empty on the other kinds). */
  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  findingIds!: string[];

  /** The day (the job's `asOf`) a digest is for. */
  @Column({ type: 'date', nullable: true })
  digestOn!: string | null;

  /** The foreign key only (named, not imported: findings send notifications, not the other way). */
  @ManyToOne('FindingEntity', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'finding_id', foreignKeyConstraintName: 'notifications_finding_id_fkey' })
  finding?: unknown;

  @Column({ type: 'text' })
  message!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  readAt!: Date | null;
}
