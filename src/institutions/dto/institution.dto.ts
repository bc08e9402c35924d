import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, Validate } from 'class-validator';
import { PageDto, PageQueryDto } from '../../common/pagination.js';
import { INSTITUTION_TYPES, type InstitutionType } from '../../common/labels.zh-CN.js';
import { REGION_CODE_PATTERN } from '../../regions/region-code.js';
import { CreditCodeConstraint } from './credit-code.validator.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class InstitutionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '从江县社会福利院' }) name!: string;
  @ApiProperty({ enum: INSTITUTION_TYPES }) type!: InstitutionType;
  @ApiProperty({ example: '522633' }) regionCode!: string;
  @ApiProperty({ nullable: true, type: String }) address!: string | null;
  @ApiProperty({ nullable: true, type: Number }) beds!: number | null;
  @ApiProperty({ nullable: true, type: String, description: '统一社会信用代码 (GB 32100-2015)' }) creditCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) headName!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Masked (138****1234) unless revealed' }) phone!: string | null;
  @ApiProperty() active!: boolean;
}

export class CreateInstitutionDto {
  @ApiProperty({ maxLength: 200, example: '从江县社会福利院' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: INSTITUTION_TYPES })
  @IsIn(INSTITUTION_TYPES)
  type!: InstitutionType;

  @ApiProperty({ example: '522633', description: 'Must exist and lie in your scope (403 otherwise)' })
  @Matches(REGION_CODE_PATTERN, { message: 'regionCode must be a 6- or 9-digit GB/T 2260 code' })
  regionCode!: string;

  @ApiPropertyOptional({ maxLength: 300 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(300)
  address?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 100000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  beds?: number;

  @ApiPropertyOptional({ example: '91350100M000100Y43', description: '18 characters, check digit verified; unique (409)' })
  @IsOptional()
  @Validate(CreditCodeConstraint)
  creditCode?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  headName?: string;

  @ApiPropertyOptional({ maxLength: 40 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(40)
  phone?: string;
}

/** Any field of the create body, and `active`. */
export class UpdateInstitutionDto extends PartialType(CreateInstitutionDto) {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class InstitutionQueryDto {
  @ApiPropertyOptional({ enum: ['phone'], description: 'phone: show the phone number in full (bureau in scope; audited)' })
  @IsOptional()
  @IsIn(['phone'])
  reveal?: 'phone';
}

export class InstitutionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '522600', description: 'Institutions in the subtree of this region' })
  @IsOptional()
  @Matches(REGION_CODE_PATTERN, { message: 'regionCode must be a 6- or 9-digit GB/T 2260 code' })
  regionCode?: string;

  @ApiPropertyOptional({ enum: INSTITUTION_TYPES })
  @IsOptional()
  @IsIn(INSTITUTION_TYPES)
  type?: InstitutionType;

  @ApiPropertyOptional({ description: 'Part of the name', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ description: 'true or false' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({
    description:
      'The whole phone number (its digits are compared: 0855-7654321 finds 0855 7654321); found through a blind index, never decrypted to search',
    example: '13812341234',
    pattern: '^[0-9 ()+-]{5,40}$',
  })
  @IsOptional()
  @Matches(/^[0-9 ()+-]{5,40}$/, { message: 'phone must be a whole phone number (5–40 digits, spaces, +, -, parentheses)' })
  phone?: string;
}

export class InstitutionPageDto extends PageDto {
  @ApiProperty({ type: [InstitutionDto] }) items!: InstitutionDto[];
}

export class ImportFailureDto {
  @ApiProperty({ description: 'CSV line number (the header is line 1)' }) line!: number;
  @ApiProperty({ example: '统一社会信用代码校验失败：91350100M000100Y44' }) message!: string;
}

export class ImportResultDto {
  @ApiProperty() created!: number;
  @ApiProperty() updated!: number;
  @ApiProperty({ type: [ImportFailureDto] }) failed!: ImportFailureDto[];
}

export class ImportUploadDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'CSV, UTF-8 with or without BOM; header name,type,regionCode,address,beds,creditCode,headName,phone',
  })
  file!: unknown;
}
