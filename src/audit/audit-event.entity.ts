import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The append-only, hash-chained audit trail. `hash` = SHA-256(previous hash ‖
 * canonical JSON of this event); the database refuses UPDATE, DELETE and
 * TRUNCATE (triggers in the migration). `regionCode` is the region the event's
 * object belongs to, so a bureau can read the events of its subtree.
 */
@Entity('audit_events')
@Index('audit_events_entity_idx', ['entity', 'entityId', 'seq'])
@Index('audit_events_region_idx', ['regionCode', 'seq'])
export class AuditEventEntity {
  @PrimaryColumn({ type: 'bigint' })
  seq!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ type: 'varchar', length: 32 })
  entity!: string;

  @Column({ type: 'varchar', length: 128, nullable: true })
  entityId!: string | null;

  @Column({ type: 'varchar', length: 9, nullable: true })
  regionCode!: string | null;

  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;

  @Column({ type: 'char', length: 64 })
  hash!: string;
}
