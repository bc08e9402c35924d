import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { InspectionEntity } from './inspection.entity.js';

/** One answer per inspection and item: upserted by (inspection, item code). */
@Entity('answers')
@Check('answers_result_check', `"result" IN ('pass', 'fail', 'na')`)
@Index('answers_attachment_ids_idx', { synchronize: false })
export class AnswerEntity {
  @PrimaryColumn({ type: 'uuid' })
  inspectionId!: string;

  @ManyToOne(() => InspectionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'inspection_id', foreignKeyConstraintName: 'answers_inspection_id_fkey' })
  inspection?: Relation<InspectionEntity>;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  itemCode!: string;

  @Column({ type: 'varchar', length: 8 })
  result!: string;

  /** The reading of number and text items (a JSON number or string). */
  @Column({ type: 'jsonb', nullable: true })
  value!: unknown;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ type: 'uuid', array: true, nullable: true })
  attachmentIds!: string[] | null;

  @Column({ type: 'uuid' })
  answeredBy!: string;

  /** When the answer was given: the device's clock if it said (offline work), else the save's. */
  @Column({ type: 'timestamptz' })
  answeredAt!: Date;

  /** When the server stored it: the save's time. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  savedAt!: Date;
}
