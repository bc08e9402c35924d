import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { INSTITUTION_TYPES, type InstitutionType } from '../../common/labels.zh-CN.js';
import { PageDto, PageQueryDto } from '../../common/pagination.js';
import { RESPONSE_TYPES, SEVERITIES, type ResponseType, type Severity } from '../template.types.js';

export const TEMPLATE_CODE = /^[a-z0-9][a-z0-9_-]{1,63}$/;
const ITEM_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

export class TemplateItemDto {
  @ApiProperty({ example: 'D01', pattern: ITEM_CODE.source })
  @Matches(ITEM_CODE, { message: 'code must be 1–32 letters, digits, ".", "_" or "-"' })
  code!: string;

  @ApiProperty({ example: '疏散通道、安全出口是否畅通，未被占用、堵塞、封闭' })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  text!: string;

  @ApiPropertyOptional({ description: '典型隐患描述 and how to check (查资料/看现场/问人员)' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  guidance?: string;

  @ApiPropertyOptional({ example: 'GB 38600-2019 5.3', description: 'The rule the item comes from' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  basis?: string;

  @ApiProperty({ enum: SEVERITIES, description: '`major` marks a 重大事故隐患 criterion' })
  @IsIn(SEVERITIES)
  severity!: Severity;

  @ApiProperty({ enum: RESPONSE_TYPES })
  @IsIn(RESPONSE_TYPES)
  responseType!: ResponseType;

  @ApiProperty()
  @IsBoolean()
  requiresPhotoOnFail!: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 365, description: 'Rectification days of a finding from this item; default by severity' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  deadlineDays?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 365,
    description: 'Instead of deadlineDays (not both): rectification in official working days',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  deadlineWorkdays?: number;
}

export class TemplateSectionDto {
  @ApiProperty({ example: 'D' })
  @Matches(ITEM_CODE, { message: 'code must be 1–32 letters, digits, ".", "_" or "-"' })
  code!: string;

  @ApiProperty({ example: '疏散通道与安全出口' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title!: string;

  @ApiProperty({ type: [TemplateItemDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => TemplateItemDto)
  items!: TemplateItemDto[];
}

export class CreateTemplateDto {
  @ApiProperty({ example: 'elderly-care-safety', pattern: TEMPLATE_CODE.source })
  @Matches(TEMPLATE_CODE, { message: 'code must be 2–64 lower-case letters, digits, "_" or "-"' })
  code!: string;

  @ApiProperty({ example: '养老机构安全隐患排查检查表' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiProperty({ enum: INSTITUTION_TYPES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(INSTITUTION_TYPES, { each: true })
  institutionTypes!: InstitutionType[];

  @ApiProperty({ type: [TemplateSectionDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => TemplateSectionDto)
  sections!: TemplateSectionDto[];
}

export class NewTemplateVersionDto extends OmitType(CreateTemplateDto, ['code'] as const) {}

export class TemplateDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() version!: number;
  @ApiProperty() name!: string;
  @ApiPropertyOptional() description?: string;
  @ApiProperty({ enum: INSTITUTION_TYPES, isArray: true }) institutionTypes!: InstitutionType[];
  @ApiProperty({ type: [TemplateSectionDto] }) sections!: TemplateSectionDto[];
  @ApiProperty({ type: String, nullable: true, description: 'The owning region (seen only within its subtree); null = national' })
  regionCode!: string | null;

  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class TemplatesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: INSTITUTION_TYPES })
  @IsOptional()
  @IsIn(INSTITUTION_TYPES)
  institutionType?: InstitutionType;
}

export class TemplateVersionQueryDto {
  @ApiPropertyOptional({ minimum: 1, description: 'Omitted: the latest version' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  version?: number;
}

export class TemplatePageDto extends PageDto {
  @ApiProperty({ type: [TemplateDto] }) items!: TemplateDto[];
}
