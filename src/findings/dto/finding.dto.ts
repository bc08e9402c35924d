import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, Validate } from 'class-validator';
import { AttachmentIdsField } from '../../common/attachment-ids.decorator.js';
import { CalendarDateConstraint } from '../../common/calendar-date.validator.js';
import { PageDto, PageQueryDto } from '../../common/pagination.js';
import { REGION_CODE_PATTERN } from '../../regions/region-code.js';

export const FINDING_STATUSES = ['open', 'pending_verification', 'closed'] as const;

export class FindingsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: FINDING_STATUSES })
  @IsOptional()
  @IsIn(FINDING_STATUSES)
  status?: string;

  @ApiPropertyOptional({ enum: ['general', 'major'] })
  @IsOptional()
  @IsIn(['general', 'major'])
  severity?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  institutionId?: string;

  @ApiPropertyOptional({ description: 'Findings in the subtree of this region' })
  @IsOptional()
  @Matches(REGION_CODE_PATTERN, { message: 'regionCode must be a 6- or 9-digit GB/T 2260 code' })
  regionCode?: string;

  @ApiPropertyOptional({ description: 'true or false' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  roundId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  inspectionId?: string;
}

export class FindingEventDto {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) actorId!: string | null;
  @ApiProperty({ example: 'created' }) action!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
}

export class FindingDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) inspectionId!: string | null;
  @ApiProperty({ format: 'uuid' }) institutionId!: string;
  @ApiProperty() institutionName!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty({ nullable: true, type: String }) itemCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) sectionTitle!: string | null;
  @ApiProperty() title!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: ['general', 'major'] }) severity!: 'general' | 'major';
  @ApiProperty({ enum: FINDING_STATUSES }) status!: (typeof FINDING_STATUSES)[number];
  @ApiProperty({ format: 'date' }) foundOn!: string;
  @ApiProperty({ format: 'date' }) deadline!: string;
  @ApiProperty() overdue!: boolean;
  @ApiProperty({ format: 'date', nullable: true, type: String }) overdueSince!: string | null;
  @ApiProperty({ description: '挂牌督办: every major finding' }) supervised!: boolean;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true }) rectification!: Record<string, unknown> | null;
  @ApiProperty({ type: [String], format: 'uuid', description: 'Evidence photos taken when it was found' }) attachmentIds!: string[];
  @ApiProperty({ type: [FindingEventDto] }) history!: FindingEventDto[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) closedAt!: string | null;
}

export class FindingPageDto extends PageDto {
  @ApiProperty({ type: [FindingDto] }) items!: FindingDto[];
}

export class CreateFindingDto {
  @ApiProperty({ format: 'uuid', description: 'An institution in your scope' })
  @IsUUID('all')
  institutionId!: string;

  @ApiProperty({ example: '三楼东侧安全出口被杂物堵塞', maxLength: 1000 })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  title!: string;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @ApiProperty({ enum: ['general', 'major'] })
  @IsIn(['general', 'major'])
  severity!: 'general' | 'major';

  @ApiPropertyOptional({ format: 'date', description: 'Default: today + the default days of the severity; not before today' })
  @IsOptional()
  @Validate(CalendarDateConstraint)
  deadline?: string;

  @AttachmentIdsField()
  attachmentIds?: string[];
}

export class RectifyFindingDto {
  @ApiProperty({ example: '已清理通道杂物，张贴禁止堆放标识，落实每日巡查', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  note!: string;

  @AttachmentIdsField('整改前后照片、证明材料; at least one for a major finding')
  attachmentIds?: string[];
}

export class VerifyFindingDto {
  @ApiProperty({ description: 'true closes the finding (销号); false sends it back to open' })
  @IsBoolean()
  accepted!: boolean;

  @ApiPropertyOptional({ maxLength: 2000, description: 'Required when rejecting: the reason' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class ExtendFindingDto {
  @ApiPropertyOptional({ format: 'date', description: 'The new deadline, after the current one; or give workdays' })
  @IsOptional()
  @Validate(CalendarDateConstraint)
  deadline?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 250,
    description: 'Move the deadline this many official working days later; or give deadline',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(250)
  workdays?: number;

  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;
}
