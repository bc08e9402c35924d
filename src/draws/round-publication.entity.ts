import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { RoundEntity } from '../rounds/round.entity.js';

/** 一公开: the round is public at /public/rounds/:id from `publishedAt` on. */
@Entity('round_publications')
export class RoundPublicationEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'round_publications_pkey' })
  roundId!: string;

  @OneToOne(() => RoundEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'round_id', foreignKeyConstraintName: 'round_publications_round_id_fkey' })
  round?: Relation<RoundEntity>;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  publishedAt!: Date;

  @Column({ type: 'uuid' })
  publishedBy!: string;
}
