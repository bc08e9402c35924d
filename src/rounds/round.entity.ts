import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { RegionEntity } from '../regions/region.entity.js';

/** An inspection round (排查轮次) of a bureau over its region and some institution types. */
@Entity('rounds')
@Check('rounds_kind_check', `"kind" IN ('self', 'supervisory')`)
@Check('rounds_status_check', `"status" IN ('draft', 'open', 'closed')`)
@Check('rounds_dates_check', `"starts_on" <= "ends_on"`)
@Index('rounds_region_idx', ['regionCode'])
export class RoundEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  @Column({ type: 'varchar', length: 9 })
  regionCode!: string;

  @ManyToOne(() => RegionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'region_code', foreignKeyConstraintName: 'rounds_region_code_fkey' })
  region?: Relation<RegionEntity>;

  @Column({ type: 'date' })
  startsOn!: string;

  @Column({ type: 'date' })
  endsOn!: string;

  @Column({ type: 'varchar', array: true })
  institutionTypes!: string[];

  /** institution type → template code */
  @Column({ type: 'jsonb' })
  templates!: Record<string, string>;

  @Column({ type: 'varchar', length: 16, default: 'draft' })
  status!: string;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  openedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt!: Date | null;
}
