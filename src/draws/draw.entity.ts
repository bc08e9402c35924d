import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { RoundEntity } from '../rounds/round.entity.js';
import { UserEntity } from '../users/user.entity.js';

/**
 * The current draw (双随机) of a round: its inputs as they were at the draw
 * (population, pool, recusals: the export an outsider recomputes) and its result.
 * One per round; drawing again while the round is a draft replaces it.
 */
@Entity('draws')
@Index('draws_round_key', ['roundId'], { unique: true })
@Check('draws_population_count_check', `"population_count" >= 0`)
export class DrawEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  roundId!: string;

  @ManyToOne(() => RoundEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'round_id', foreignKeyConstraintName: 'draws_round_id_fkey' })
  round?: Relation<RoundEntity>;

  @Column({ type: 'varchar', length: 32 })
  algorithm!: string;

  @Column({ type: 'varchar', length: 200 })
  seed!: string;

  /** { ratio, count, stratifyBy, minPerStratum, inspectorsPerInspection } */
  @Column({ type: 'jsonb' })
  parameters!: Record<string, unknown>;

  @Column({ type: 'integer' })
  populationCount!: number;

  @Column({ type: 'char', length: 64 })
  populationSha256!: string;

  /** [{ id, type, regionCode, regionPath }] sorted by id */
  @Column({ type: 'jsonb' })
  population!: unknown[];

  /** [{ id, regionCode }] */
  @Column({ type: 'jsonb' })
  pool!: unknown[];

  /** [{ inspectorId, institutionId }] */
  @Column({ type: 'jsonb' })
  recusals!: unknown[];

  /** [{ key, population, selected }] */
  @Column({ type: 'jsonb' })
  strata!: unknown[];

  /** [{ institutionId, stratum, inspectorIds }] in stratum then rank order (read by the round's opening) */
  @Column({ type: 'jsonb' })
  selected!: unknown[];

  @Column({ type: 'timestamptz', default: () => 'now()' })
  drawnAt!: Date;

  @Column({ type: 'uuid' })
  drawnBy!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'drawn_by', foreignKeyConstraintName: 'draws_drawn_by_fkey' })
  drawer?: Relation<UserEntity>;
}
