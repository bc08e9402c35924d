import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The append-only, hash-chained audit trail. A step inserts its event in its
 * own transaction; the chainer then gives committed events their `seq` and
 * `hash` = HMAC under AUDIT_KEY (SHA-256 or SM3) over the previous hash and the
 * canonical JSON of this event, in order (see audit-chain.ts).
 * The database refuses UPDATE (but that one chaining), DELETE and TRUNCATE.
 * `regionCode` is the region the event's object belongs to, so a bureau can
 * read the events of its subtree.
 */
@Entity('audit_events')
@Index('audit_events_entity_idx', ['entity', 'entityId', 'seq'])
@Index('audit_events_region_idx', ['regionCode', 'seq'])
@Index('audit_events_unchained_idx', { synchronize: false })
@Check('audit_events_hash_alg_check', `"hash_alg" IN ('sha256', 'hmac-sha256', 'hmac-sm3')`)
export class AuditEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', primaryKeyConstraintName: 'PK_audit_events_id' })
  id!: string;

  /** Null until chained. */
  @Index('audit_events_seq_key', { unique: true })
  @Column({ type: 'bigint', nullable: true })
  seq!: string | null;

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

  @Column({ type: 'char', length: 64, nullable: true })
  hash!: string | null;

  /** How `hash` was made: `hmac-sha256` or `hmac-sm3` under AUDIT_KEY, or `sha256` (unkeyed, events from before the key). */
  @Column({ type: 'varchar', length: 16, nullable: true })
  hashAlg!: string | null;
}
