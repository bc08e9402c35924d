import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { UserEntity } from '../users/user.entity.js';

/** An in-app notification; at most one per finding, kind and recipient. */
@Entity('notifications')
@Check(
  'notifications_kind_check',
  `"kind" IN ('finding_created', 'deadline_reminder', 'overdue', 'escalation', 'rectification_submitted', 'rectification_rejected')`,
)
@Index('notifications_finding_kind_recipient_key', ['findingId', 'kind', 'recipientId'], { unique: true })
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

  @Column({ type: 'uuid' })
  findingId!: string;

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
