import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One `Idempotency-Key` of one actor: claimed ('processing') by the first
 * request, then the response it got ('completed'), replayed to every repeat
 * until `expiresAt`. The primary key is the claim: a second request with the
 * same key cannot insert it.
 */
@Entity('idempotency_keys')
@Check('idempotency_keys_state_check', `"state" IN ('processing', 'completed')`)
@Index('idempotency_keys_expires_at_idx', ['expiresAt'])
export class IdempotencyKeyEntity {
  @PrimaryColumn({ type: 'uuid' })
  actorId!: string;

  @PrimaryColumn({ type: 'varchar', length: 128 })
  key!: string;

  /** SHA-256 (hex) of the method, path, If-Match and body of the request that claimed the key. */
  @Column({ type: 'char', length: 64 })
  fingerprint!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: string;

  /** A token of the request holding the claim: only it may complete or release it. */
  @Column({ type: 'uuid' })
  claim!: string;

  @Column({ type: 'timestamptz' })
  lockedAt!: Date;

  @Column({ type: 'smallint', nullable: true })
  responseStatus!: number | null;

  /** Content-Type, ETag, Location of the kept response. */
  @Column({ type: 'jsonb', nullable: true })
  responseHeaders!: Record<string, string> | null;

  @Column({ type: 'bytea', nullable: true })
  responseBody!: Buffer | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;
}
