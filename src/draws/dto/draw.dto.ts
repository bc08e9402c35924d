import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { INSTITUTION_TYPES } from '../../common/labels.zh-CN.js';
import { PageDto } from '../../common/pagination.js';

export const STRATUM_DIMENSIONS = ['type', 'county'] as const;
export const SEED_MAX_LENGTH = 200;

export class CreateDrawDto {
  @ApiPropertyOptional({
    minimum: 0,
    exclusiveMinimum: true,
    maximum: 1,
    example: 0.05,
    description: 'Share of each stratum, taken to millionths and rounded up',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  @Max(1)
  ratio?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1_000_000, description: 'How many in all, split over the strata by largest remainder' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  count?: number;

  @ApiProperty({ enum: STRATUM_DIMENSIONS, isArray: true, maxItems: 2, example: ['type', 'county'] })
  @IsArray()
  @ArrayMaxSize(2)
  @ArrayUnique()
  @IsIn(STRATUM_DIMENSIONS, { each: true })
  stratifyBy!: ('type' | 'county')[];

  @ApiPropertyOptional({ minimum: 0, maximum: 100_000, default: 0, description: 'Every stratum gets at least this many (or all it has)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  minPerStratum?: number;

  @ApiProperty({ minimum: 2, maximum: 20, example: 2 })
  @IsInt()
  @Min(2)
  @Max(20)
  inspectorsPerInspection!: number;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: SEED_MAX_LENGTH,
    description: 'Without it the service draws 128 random bits (32 hex digits)',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(SEED_MAX_LENGTH)
  seed?: string;
}

export class DrawParametersDto {
  @ApiProperty({ type: Number, nullable: true }) ratio!: number | null;
  @ApiProperty({ type: Number, nullable: true }) count!: number | null;
  @ApiProperty({ enum: STRATUM_DIMENSIONS, isArray: true }) stratifyBy!: string[];
  @ApiProperty() minPerStratum!: number;
  @ApiProperty() inspectorsPerInspection!: number;
}

export class DrawPopulationDto {
  @ApiProperty() count!: number;
  @ApiProperty({ description: 'SHA-256 (hex) of the canonical population list', example: '3f5a…' }) sha256!: string;
}

export class DrawStratumDto {
  @ApiProperty({ example: 'elderly_care/522633', description: 'type and/or county joined by /; * when not stratified' }) key!: string;
  @ApiProperty() population!: number;
  @ApiProperty() selected!: number;
}

export class DrawnInstitutionDto {
  @ApiProperty({ format: 'uuid' }) institutionId!: string;
  @ApiProperty() institutionName!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty({ enum: INSTITUTION_TYPES }) type!: string;
  @ApiProperty() stratum!: string;
  @ApiProperty({ type: [String], format: 'uuid', description: 'The drawn inspectors, the first becomes assigneeId' })
  inspectorIds!: string[];
}

export class DrawInspectorDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() displayName!: string;
}

export class DrawDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) roundId!: string;
  @ApiProperty({ example: 'paicha-draw-v1' }) algorithm!: string;
  @ApiProperty() seed!: string;
  @ApiProperty({ type: DrawParametersDto }) parameters!: DrawParametersDto;
  @ApiProperty({ type: DrawPopulationDto }) population!: DrawPopulationDto;
  @ApiProperty({ type: [DrawStratumDto] }) strata!: DrawStratumDto[];
  @ApiProperty({ type: [DrawnInstitutionDto] }) selected!: DrawnInstitutionDto[];
  @ApiProperty({ type: [DrawInspectorDto], description: 'The names of the drawn inspectors' }) inspectors!: DrawInspectorDto[];
  @ApiProperty({ format: 'date-time' }) drawnAt!: string;
  @ApiProperty({ format: 'uuid' }) drawnBy!: string;
}

export class DrawVerifyDto {
  @ApiProperty({ description: 'The stored inputs hash to the stored sha256 and recompute to the stored selection' }) ok!: boolean;
  @ApiProperty({ description: 'SHA-256 of the stored population snapshot, recomputed' }) recomputedSha256!: string;
  @ApiProperty({ description: "SHA-256 of the round's population as it is now (differs when institutions changed since the draw)" })
  currentSha256!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The first difference, when not ok' }) difference!: string | null;
}

class ExportMemberDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() type!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty({ example: '/520000/522600/522633/' }) regionPath!: string;
}

class ExportInspectorDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() regionCode!: string;
}

class ExportRecusalDto {
  @ApiProperty({ format: 'uuid' }) inspectorId!: string;
  @ApiProperty({ format: 'uuid' }) institutionId!: string;
}

class ExportSelectionDto {
  @ApiProperty({ format: 'uuid' }) institutionId!: string;
  @ApiProperty() stratum!: string;
  @ApiProperty({ type: [String], format: 'uuid' }) inspectorIds!: string[];
}

class ExportResultDto {
  @ApiProperty({ type: DrawPopulationDto }) population!: DrawPopulationDto;
  @ApiProperty({ type: [DrawStratumDto] }) strata!: DrawStratumDto[];
  @ApiProperty({ type: [ExportSelectionDto] }) selected!: ExportSelectionDto[];
}

export class DrawExportDto {
  @ApiProperty({ example: 'paicha-draw-v1' }) algorithm!: string;
  @ApiProperty({ format: 'uuid' }) roundId!: string;
  @ApiProperty({ format: 'uuid' }) drawId!: string;
  @ApiProperty({ format: 'date-time' }) drawnAt!: string;
  @ApiProperty() seed!: string;
  @ApiProperty({ type: DrawParametersDto }) parameters!: DrawParametersDto;
  @ApiProperty({ type: [ExportMemberDto] }) population!: ExportMemberDto[];
  @ApiProperty({ type: [ExportInspectorDto] }) pool!: ExportInspectorDto[];
  @ApiProperty({ type: [ExportRecusalDto] }) recusals!: ExportRecusalDto[];
  @ApiProperty({ type: ExportResultDto }) result!: ExportResultDto;
}

export class PublishResultDto {
  @ApiProperty({ format: 'uuid' }) roundId!: string;
  @ApiProperty({ format: 'date-time' }) publishedAt!: string;
  @ApiProperty({ example: '/public/rounds/3f0c…', description: 'The public page (JSON, or HTML for a browser)' }) url!: string;
}

export const PUBLIC_RESULTS = ['未检查', '未发现问题', '发现问题已责令整改', '发现问题已整改'] as const;
export type PublicResult = (typeof PUBLIC_RESULTS)[number];

class PublicDrawDto {
  @ApiProperty() algorithm!: string;
  @ApiProperty() seed!: string;
  @ApiProperty({ type: DrawPopulationDto }) population!: DrawPopulationDto;
}

class PublicInstitutionDto {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: INSTITUTION_TYPES }) type!: string;
  @ApiProperty() regionName!: string;
  @ApiProperty({ enum: PUBLIC_RESULTS }) result!: PublicResult;
}

export class PublicRoundDto {
  @ApiProperty() name!: string;
  @ApiProperty({ example: '黔东南苗族侗族自治州民政局' }) issuerName!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty({ format: 'date' }) startsOn!: string;
  @ApiProperty({ format: 'date' }) endsOn!: string;
  @ApiProperty({ type: PublicDrawDto, nullable: true, description: 'null for a round opened without a draw' }) draw!: PublicDrawDto | null;
  @ApiProperty({ type: [PublicInstitutionDto] }) institutions!: PublicInstitutionDto[];
}

export class CreateRecusalDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 })
  @IsUUID('all')
  @MaxLength(36)
  institutionId!: string;

  @ApiProperty({ minLength: 1, maxLength: 500, example: '近亲属在该机构任职' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}

export class RecusalDto {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ format: 'uuid' }) institutionId!: string;
  @ApiProperty() institutionName!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ format: 'uuid' }) createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class RecusalPageDto extends PageDto {
  @ApiProperty({ type: [RecusalDto] }) items!: RecusalDto[];
}
