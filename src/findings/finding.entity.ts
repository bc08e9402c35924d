import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { InstitutionEntity } from '../institutions/institution.entity.js';

/** A hazard (隐患) in the ledger: one per failed item of a submitted inspection, or ad hoc. */
@Entity('findings')
@Check('findings_severity_check', `"severity" IN ('general', 'major')`)
@Check('findings_status_check', `"status" IN ('open', 'pending_verification', 'closed')`)
@Check('findings_closed_check', `("status" = 'closed') = ("closed_at" IS NOT NULL)`)
@Check('findings_supervised_check', `"severity" <> 'major' OR "supervised"`)
@Index('findings_inspection_item_key', ['inspectionId', 'itemCode'], { unique: true })
// (region_code, created_at) INCLUDE (the columns the monthly reports count): see migrations/*-ReportCoveringIndex.ts
@Index('findings_region_created_idx', { synchronize: false })
@Index('findings_institution_idx', ['institutionId'])
@Index('findings_due_idx', { synchronize: false })
@Index('findings_overdue_major_idx', { synchronize: false })
@Index('findings_linked_attachment_ids_idx', { synchronize: false })
// partial indexes of the monthly lists (see migrations/*-ReportRollups.ts; the findings roll-ups' triggers live there too)
@Index('findings_major_created_idx', { synchronize: false })
@Index('findings_open_deadline_idx', { synchronize: false })
@Index('findings_closed_at_idx', { synchronize: false })
export class FindingEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', nullable: true })
  inspectionId!: string | null;

  /** The foreign key only (named, not imported: inspections depend on findings, not the other way). */
  @ManyToOne('InspectionEntity', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'inspection_id', foreignKeyConstraintName: 'findings_inspection_id_fkey' })
  inspection?: unknown;

  @Column({ type: 'uuid' })
  institutionId!: string;

  @ManyToOne(() => InstitutionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'institution_id', foreignKeyConstraintName: 'findings_institution_id_fkey' })
  institution?: Relation<InstitutionEntity>;

  @Column({ type: 'varchar', length: 9 })
  regionCode!: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  itemCode!: string | null;

  /** The checklist section of the item, kept for reports by section. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  sectionTitle!: string | null;

  @Column({ type: 'varchar', length: 1000 })
  title!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ type: 'varchar', length: 16 })
  severity!: string;

  @Column({ type: 'varchar', length: 24, default: 'open' })
  status!: string;

  @Column({ type: 'date' })
  foundOn!: string;

  @Column({ type: 'date' })
  deadline!: string;

  @Column({ type: 'boolean', default: false })
  overdue!: boolean;

  @Column({ type: 'date', nullable: true })
  overdueSince!: string | null;

  @Column({ type: 'boolean', default: false })
  supervised!: boolean;

  @Column({ type: 'jsonb', nullable: true })
  rectification!: Record<string, unknown> | null;

  @Column({ type: 'uuid', array: true, default: () => `'{}'` })
  attachmentIds!: string[];

  /** Every attachment ever linked to the finding (found, rectifications): who may see it may download them. */
  @Column({ type: 'uuid', array: true, default: () => `'{}'` })
  linkedAttachmentIds!: string[];

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}
