import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
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
  @ApiProperty({ enum: ['general', 'major'] }) severity!: string;
  @ApiProperty({ enum: FINDING_STATUSES }) status!: string;
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
