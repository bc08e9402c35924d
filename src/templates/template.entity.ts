import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { TemplateSection } from './template.types.js';

/**
 * A checklist template version. Rows are never updated: a change is a new
 * version, so a version an inspection pins stays exactly as it was.
 */
@Entity('templates')
@Index('templates_code_version_key', ['code', 'version'], { unique: true })
@Check('templates_version_check', `"version" >= 1`)
@Check('templates_source_check', `"source" IN ('builtin', 'api')`)
export class TemplateEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  code!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'varchar', array: true })
  institutionTypes!: string[];

  @Column({ type: 'jsonb' })
  sections!: TemplateSection[];

  /** SHA-256 of the canonical content: a built-in file whose hash matches the latest version loads as that version. */
  @Column({ type: 'char', length: 64 })
  contentHash!: string;

  @Column({ type: 'varchar', length: 16 })
  source!: 'builtin' | 'api';

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  /** The owning region (a bureau's template): seen only within that region's subtree. Null: national. */
  @Column({ type: 'varchar', length: 9, nullable: true })
  regionCode!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
