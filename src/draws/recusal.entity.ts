import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { InstitutionEntity } from '../institutions/institution.entity.js';
import { UserEntity } from '../users/user.entity.js';

/** 回避: an inspector with a conflict of interest is never drawn for this institution. */
@Entity('recusals')
@Index('recusals_institution_idx', ['institutionId'])
export class RecusalEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'recusals_pkey' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'recusals_user_id_fkey' })
  user?: Relation<UserEntity>;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'recusals_pkey' })
  institutionId!: string;

  @ManyToOne(() => InstitutionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'institution_id', foreignKeyConstraintName: 'recusals_institution_id_fkey' })
  institution?: Relation<InstitutionEntity>;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  @Column({ type: 'uuid' })
  createdBy!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
