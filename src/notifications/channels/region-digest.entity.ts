import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/** One row per region and day whose digest was made: the key that sends it once. */
@Entity('region_digests')
export class RegionDigestEntity {
  @PrimaryColumn({ type: 'varchar', length: 9 })
  regionCode!: string;

  @ManyToOne('RegionEntity', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'region_code', foreignKeyConstraintName: 'region_digests_region_code_fkey' })
  region?: unknown;

  @PrimaryColumn({ type: 'date' })
  digestOn!: string;

  /** What it counted (new, newly overdue, due soon, escalations, overdue in all). */
  @Column({ type: 'jsonb' })
  counts!: Record<string, number>;

  /** How many robot messages it queued (0 when it had nothing to say). */
  @Column({ type: 'integer' })
  messages!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
