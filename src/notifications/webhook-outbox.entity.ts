import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { NotificationEntity } from './notification.entity.js';

/**
 * Outbound deliveries waiting or done, written in the transaction that makes
 * them (so none is lost) and delivered by a worker, at least once: `webhook`
 * rows go to WEBHOOK_URL (one per notification); `wecom` and `dingtalk` rows
 * go to the work-group robot of `regionCode`, looked up when sent (secrets are
 * never copied here). A delivery that retrying cannot fix is given up
 * (`gaveUpAt`, with its `lastError`).
 */
@Entity('webhook_outbox')
@Check('webhook_outbox_target_check', `"target" IN ('webhook', 'wecom', 'dingtalk')`)
@Index('webhook_outbox_due_idx', { synchronize: false })
export class WebhookOutboxEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 16, default: 'webhook' })
  target!: string;

  @Column({ type: 'uuid', nullable: true })
  notificationId!: string | null;

  /** The region whose robot receives a `wecom`/`dingtalk` row (the foreign key only). */
  @Column({ type: 'varchar', length: 9, nullable: true })
  regionCode!: string | null;

  @ManyToOne('RegionEntity', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'region_code', foreignKeyConstraintName: 'webhook_outbox_region_code_fkey' })
  region?: unknown;

  @ManyToOne(() => NotificationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'notification_id', foreignKeyConstraintName: 'webhook_outbox_notification_id_fkey' })
  notification?: Relation<NotificationEntity>;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  gaveUpAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
