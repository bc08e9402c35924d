import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, Validate, ValidateNested } from 'class-validator';
import { CalendarDateConstraint } from '../../common/calendar-date.validator.js';
import { PageDto, PageQueryDto } from '../../common/pagination.js';
import { DOCUMENT_KINDS, DOCUMENT_STATUSES } from '../document.entity.js';

export const SERVE_METHODS = ['in_person', 'left_at_premises', 'post', 'electronic'] as const;

export class DocumentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: DOCUMENT_KINDS }) kind!: string;
  @ApiProperty({ example: '从民安整〔2026〕12号' }) number!: string;
  @ApiProperty({ description: 'The issuing region' }) regionCode!: string;
  @ApiProperty({ example: '从江县民政局' }) issuerName!: string;
  @ApiProperty({ format: 'uuid' }) institutionId!: string;
  @ApiProperty() institutionName!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) inspectionId!: string | null;
  @ApiProperty({ type: [String], format: 'uuid' }) findingIds!: string[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'A recheck opinion: the notice it answers' }) refersTo!:
    string | null;
  @ApiProperty({ format: 'uuid' }) issuedBy!: string;
  @ApiProperty({ format: 'date-time' }) issuedAt!: string;
  @ApiProperty({ format: 'date', description: 'The issue date in TZ, as printed' }) issuedOn!: string;
  @ApiProperty({ enum: DOCUMENT_STATUSES }) status!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) servedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) receivedBy!: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) receivedOn!: string | null;
  @ApiProperty({ enum: SERVE_METHODS, nullable: true, type: String }) serveMethod!: string | null;
  @ApiProperty({ nullable: true, type: String }) revokedReason!: string | null;
  @ApiProperty({ description: 'SHA-256 (hex) of the PDF as issued' }) sha256!: string;
  @ApiProperty({ description: 'PUBLIC_BASE_URL + /verify/ + a random code (a path alone when PUBLIC_BASE_URL is unset)' })
  verifyUrl!: string;
}

export class DocumentPageDto extends PageDto {
  @ApiProperty({ type: [DocumentDto] }) items!: DocumentDto[];
}

export class DocumentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  institutionId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  inspectionId?: string;

  @ApiPropertyOptional({ enum: DOCUMENT_KINDS })
  @IsOptional()
  @IsIn(DOCUMENT_KINDS)
  kind?: string;
}

export class DocumentFileQueryDto {
  @ApiPropertyOptional({ enum: ['pdf', 'docx'], default: 'pdf' })
  @IsOptional()
  @IsIn(['pdf', 'docx'])
  format: 'pdf' | 'docx' = 'pdf';
}

export class ServeDocumentDto {
  @ApiProperty({ maxLength: 100, example: '王某某（院长）' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  receivedBy!: string;

  @ApiProperty({ format: 'date', description: 'Not before the issue date, not after today' })
  @Validate(CalendarDateConstraint)
  receivedOn!: string;

  @ApiProperty({ enum: SERVE_METHODS, description: '直接送达 / 留置送达 / 邮寄送达 / 电子送达' })
  @IsIn(SERVE_METHODS)
  method!: string;
}

export class RevokeDocumentDto {
  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;
}

const PREFIX = /^[^\s〔〕[\]()（）0-9]{1,20}$/u;

export class DocumentPrefixesDto {
  @ApiProperty({ maxLength: 20, example: '从民安整' })
  @IsString()
  @MaxLength(20)
  @Matches(PREFIX, { message: 'rectification_notice must be 1–20 characters without spaces, brackets or digits' })
  rectification_notice!: string;

  @ApiProperty({ maxLength: 20, example: '从民安复' })
  @IsString()
  @MaxLength(20)
  @Matches(PREFIX, { message: 'recheck_opinion must be 1–20 characters without spaces, brackets or digits' })
  recheck_opinion!: string;

  @ApiProperty({ maxLength: 20, example: '从民安督' })
  @IsString()
  @MaxLength(20)
  @Matches(PREFIX, { message: 'supervision_notice must be 1–20 characters without spaces, brackets or digits' })
  supervision_notice!: string;
}

export class DocumentSettingsInputDto {
  @ApiProperty({ maxLength: 100, example: '从江县民政局' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  issuerName!: string;

  @ApiProperty({ type: DocumentPrefixesDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => DocumentPrefixesDto)
  prefixes!: DocumentPrefixesDto;
}

export class DocumentSettingsDto {
  @ApiProperty() regionCode!: string;
  @ApiProperty() issuerName!: string;
  @ApiProperty({ type: DocumentPrefixesDto }) prefixes!: DocumentPrefixesDto;
}

export class VerificationDto {
  @ApiProperty({ enum: DOCUMENT_KINDS }) kind!: string;
  @ApiProperty() number!: string;
  @ApiProperty() issuerName!: string;
  @ApiProperty({ format: 'date-time' }) issuedAt!: string;
  @ApiProperty({ enum: DOCUMENT_STATUSES }) status!: string;
  @ApiProperty() sha256!: string;
}
