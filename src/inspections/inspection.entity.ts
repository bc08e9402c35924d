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
import { InstitutionEntity } from '../institutions/institution.entity.js';
import { RoundEntity } from '../rounds/round.entity.js';
import { TemplateEntity } from '../templates/template.entity.js';
import { UserEntity } from '../users/user.entity.js';

/**
 * One institution's checklist in one round, pinned to a template version.
 * `regionCode` is copied from the institution when the round opens, so scope
 * predicates and reports need no join.
 */
@Entity('inspections')
@Check('inspections_kind_check', `"kind" IN ('self', 'supervisory')`)
@Check('inspections_status_check', `"status" IN ('pending', 'in_progress', 'submitted', 'missed')`)
@Index('inspections_round_institution_key', ['roundId', 'institutionId'], { unique: true })
@Index('inspections_round_status_idx', ['roundId', 'status'])
@Index('inspections_region_idx', ['regionCode'])
@Index('inspections_institution_idx', ['institutionId'])
@Index('inspections_assignee_idx', ['assigneeId'])
// GIN over assignee_ids (the assigneeId filter matches any of them); created by hand in the Draws migration
@Index('inspections_assignee_ids_idx', { synchronize: false })
// the month's submitted inspections in the reports (partial, covering: see migrations/*-ReportRollups.ts)
@Index('inspections_submitted_idx', { synchronize: false })
@Index('inspections_region_submitted_idx', { synchronize: false })
// assignee_id is the first of assignee_ids (a drawn inspection has several; any of them may fill it)
@Check('inspections_assignees_check', `("assignee_id" IS NULL AND cardinality("assignee_ids") = 0) OR "assignee_ids"[1] = "assignee_id"`)
export class InspectionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  roundId!: string;

  @ManyToOne(() => RoundEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'round_id', foreignKeyConstraintName: 'inspections_round_id_fkey' })
  round?: Relation<RoundEntity>;

  @Column({ type: 'uuid' })
  institutionId!: string;

  @ManyToOne(() => InstitutionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'institution_id', foreignKeyConstraintName: 'inspections_institution_id_fkey' })
  institution?: Relation<InstitutionEntity>;

  @Column({ type: 'varchar', length: 9 })
  regionCode!: string;

  @Column({ type: 'uuid' })
  templateId!: string;

  @ManyToOne(() => TemplateEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'template_id', foreignKeyConstraintName: 'inspections_template_id_fkey' })
  template?: Relation<TemplateEntity>;

  @Column({ type: 'integer' })
  templateVersion!: number;

  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: string;

  @Column({ type: 'uuid', nullable: true })
  assigneeId!: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'assignee_id', foreignKeyConstraintName: 'inspections_assignee_id_fkey' })
  assignee?: Relation<UserEntity>;

  /** Every inspector the inspection is assigned to, `assigneeId` first (双随机: at least two). */
  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  assigneeIds!: string[];

  @Column({ type: 'timestamptz', nullable: true })
  submittedAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  submittedBy!: string | null;

  @Column({ type: 'text', nullable: true })
  signature!: string | null;

  /** Optimistic concurrency: every answer batch and transition moves it (If-Match). */
  @Column({ type: 'integer', default: 1 })
  version!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
