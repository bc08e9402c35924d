import { Check, Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export const DOCUMENT_KINDS = ['rectification_notice', 'recheck_opinion', 'supervision_notice'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
export const DOCUMENT_STATUSES = ['issued', 'served', 'revoked'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/**
 * An official document (文书) as issued: its number, what it lists, the
 * SHA-256 of its PDF and DOCX (the bytes live in the attachments' file store)
 * and the random code its QR points to. What it says is frozen at issue.
 */
@Entity('documents')
@Check('documents_kind_check', `"kind" IN ('rectification_notice', 'recheck_opinion', 'supervision_notice')`)
@Check('documents_status_check', `"status" IN ('issued', 'served', 'revoked')`)
@Check('documents_serial_check', `"serial" >= 1`)
@Index('documents_number_key', ['regionCode', 'kind', 'year', 'serial'], { unique: true })
@Index('documents_verify_code_key', ['verifyCode'], { unique: true })
// one live notice per inspection, one live recheck per notice, one live supervision notice per finding
@Index('documents_one_notice_key', ['inspectionId'], { unique: true, where: `"kind" = 'rectification_notice' AND "status" <> 'revoked'` })
@Index('documents_one_recheck_key', ['refersTo'], { unique: true, where: `"kind" = 'recheck_opinion' AND "status" <> 'revoked'` })
@Index('documents_one_supervision_key', ['supervisedFindingId'], {
  unique: true,
  where: `"kind" = 'supervision_notice' AND "status" <> 'revoked'`,
})
@Index('documents_institution_idx', ['institutionId'])
export class DocumentEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: DocumentKind;

  @Column({ type: 'varchar', length: 120 })
  number!: string;

  /** The issuing region (its bureau's settings name the issuer and the prefix). */
  @Column({ type: 'varchar', length: 9 })
  regionCode!: string;

  @Column({ type: 'integer' })
  year!: number;

  @Column({ type: 'integer' })
  serial!: number;

  @Column({ type: 'varchar', length: 200 })
  issuerName!: string;

  @Column({ type: 'uuid' })
  institutionId!: string;

  /** The institution's region, for scope. */
  @Column({ type: 'varchar', length: 9 })
  institutionRegionCode!: string;

  @Column({ type: 'uuid', nullable: true })
  inspectionId!: string | null;

  @Column({ type: 'uuid', array: true })
  findingIds!: string[];

  /** A recheck opinion: the notice it answers. */
  @Column({ type: 'uuid', nullable: true })
  refersTo!: string | null;

  /** A supervision notice: its one finding. */
  @Column({ type: 'uuid', nullable: true })
  supervisedFindingId!: string | null;

  @Column({ type: 'uuid' })
  issuedBy!: string;

  @Column({ type: 'timestamptz' })
  issuedAt!: Date;

  /** The issue date in TZ, as printed. */
  @Column({ type: 'date' })
  issuedOn!: string;

  @Column({ type: 'varchar', length: 16, default: 'issued' })
  status!: DocumentStatus;

  @Column({ type: 'timestamptz', nullable: true })
  servedAt!: Date | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  receivedBy!: string | null;

  @Column({ type: 'date', nullable: true })
  receivedOn!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  serveMethod!: string | null;

  @Column({ type: 'text', nullable: true })
  revokedReason!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'varchar', length: 32 })
  verifyCode!: string;

  /** SHA-256 of the PDF as issued. */
  @Column({ type: 'char', length: 64 })
  sha256!: string;

  @Column({ type: 'char', length: 64 })
  docxSha256!: string;

  /** What was rendered (numbered problems, deadlines, outcomes), for the record. */
  @Column({ type: 'jsonb' })
  content!: Record<string, unknown>;
}

/** The last number taken per (issuing region, kind, year): incremented in the issuing transaction, so a rollback gives it back. */
@Entity('document_counters')
@Check('document_counters_n_check', `"n" >= 0`)
export class DocumentCounterEntity {
  @PrimaryColumn({ type: 'varchar', length: 9 })
  regionCode!: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  kind!: string;

  @PrimaryColumn({ type: 'integer' })
  year!: number;

  @Column({ type: 'integer' })
  n!: number;
}

/** A region's issuer name and number prefixes (代字); absent → defaults from the region's name. */
@Entity('region_document_settings')
export class RegionDocumentSettingsEntity {
  @PrimaryColumn({ type: 'varchar', length: 9 })
  regionCode!: string;

  @Column({ type: 'varchar', length: 200 })
  issuerName!: string;

  @Column({ type: 'jsonb' })
  prefixes!: Record<string, string>;

  @Column({ type: 'uuid', nullable: true })
  updatedBy!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
