import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { FindingEntity } from './finding.entity.js';

/** A finding's history: created, rectified, verified, rejected, extended, overdue. */
@Entity('finding_events')
@Index('finding_events_finding_idx', ['findingId', 'at'])
export class FindingEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  findingId!: string;

  @ManyToOne(() => FindingEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'finding_id', foreignKeyConstraintName: 'finding_events_finding_id_fkey' })
  finding?: Relation<FindingEntity>;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ type: 'varchar', length: 32 })
  action!: string;

  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;
}
