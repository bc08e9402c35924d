import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { RegionEntity } from '../regions/region.entity.js';

@Entity('institutions')
@Check(
  'institutions_type_check',
  `"type" IN ('elderly_care', 'child_welfare', 'minor_protection', 'relief_station', 'mental_health', 'funeral', 'community_elderly', 'other')`,
)
@Check('institutions_beds_check', `"beds" IS NULL OR "beds" >= 0`)
@Index('institutions_region_type_idx', ['regionCode', 'type'])
// the reports' count of active institutions (partial: see migrations/*-ReportRollups.ts)
@Index('institutions_active_region_type_idx', { synchronize: false })
export class InstitutionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 32 })
  type!: string;

  @Column({ type: 'varchar', length: 9 })
  regionCode!: string;

  @ManyToOne(() => RegionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'region_code', foreignKeyConstraintName: 'institutions_region_code_fkey' })
  region?: Relation<RegionEntity>;

  @Column({ type: 'varchar', length: 300, nullable: true })
  address!: string | null;

  @Column({ type: 'integer', nullable: true })
  beds!: number | null;

  @Index('institutions_credit_code_key', { unique: true })
  @Column({ type: 'varchar', length: 18, nullable: true })
  creditCode!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  headName!: string | null;

  /** Encrypted (CryptoService token `enc1.<suite>.<key version>.…`); the API shows it masked. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  phone!: string | null;

  /** The phone's blind index (its digits, HMAC under DATA_KEY): exact search without decrypting every row. */
  @Index('institutions_phone_index_idx')
  @Column({ type: 'varchar', length: 64, nullable: true })
  phoneIndex!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
