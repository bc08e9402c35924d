import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  Validate,
} from 'class-validator';
import { CalendarDateConstraint } from '../../common/calendar-date.validator.js';
import { INSTITUTION_TYPES, type InstitutionType } from '../../common/labels.zh-CN.js';
import { PageDto, PageQueryDto } from '../../common/pagination.js';
import { REGION_CODE_PATTERN } from '../../regions/region-code.js';

export const ROUND_KINDS = ['self', 'supervisory'] as const;
export type RoundKind = (typeof ROUND_KINDS)[number];
export const ROUND_STATUSES = ['draft', 'open', 'closed'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

export class CreateRoundDto {
  @ApiProperty({ example: '2026年6月安全管理月自查' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: ROUND_KINDS, description: 'self: institution heads fill; supervisory: inspectors fill' })
  @IsIn(ROUND_KINDS)
  kind!: RoundKind;

  @ApiProperty({ example: '522600', description: 'Inside your scope (403 otherwise)' })
  @Matches(REGION_CODE_PATTERN, { message: 'regionCode must be a 6- or 9-digit GB/T 2260 code' })
  regionCode!: string;

  @ApiProperty({ example: '2026-06-01', format: 'date' })
  @Validate(CalendarDateConstraint)
  startsOn!: string;

  @ApiProperty({ example: '2026-06-30', format: 'date' })
  @Validate(CalendarDateConstraint)
  endsOn!: string;

  @ApiProperty({ enum: INSTITUTION_TYPES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(INSTITUTION_TYPES, { each: true })
  institutionTypes!: InstitutionType[];

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { elderly_care: 'elderly-care-safety' },
    description: 'Template code for each listed institution type (exactly those types)',
  })
  @IsObject()
  templates!: Record<string, string>;
}

export class RoundDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROUND_KINDS }) kind!: RoundKind;
  @ApiProperty() regionCode!: string;
  @ApiProperty({ format: 'date' }) startsOn!: string;
  @ApiProperty({ format: 'date' }) endsOn!: string;
  @ApiProperty({ enum: INSTITUTION_TYPES, isArray: true }) institutionTypes!: InstitutionType[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) templates!: Record<string, string>;
  @ApiProperty({ enum: ROUND_STATUSES }) status!: RoundStatus;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) openedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) closedAt!: string | null;
}

export class RoundsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ROUND_STATUSES })
  @IsOptional()
  @IsIn(ROUND_STATUSES)
  status?: RoundStatus;

  @ApiPropertyOptional({ enum: ROUND_KINDS })
  @IsOptional()
  @IsIn(ROUND_KINDS)
  kind?: RoundKind;
}

export class RoundPageDto extends PageDto {
  @ApiProperty({ type: [RoundDto] }) items!: RoundDto[];
}

export class OpenRoundResultDto {
  @ApiProperty({ description: 'Inspections created by this call (0 when opened before for every institution)' })
  inspectionsCreated!: number;
}

class FindingCountsDto {
  @ApiProperty() total!: number;
  @ApiProperty() major!: number;
  @ApiProperty() closed!: number;
}

export class RoundProgressDto {
  @ApiProperty() total!: number;
  @ApiProperty() pending!: number;
  @ApiProperty() inProgress!: number;
  @ApiProperty() submitted!: number;
  @ApiProperty() missed!: number;
  @ApiProperty({ type: FindingCountsDto }) findings!: FindingCountsDto;
}
