import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { INSTITUTION_TYPES } from '../../common/labels.zh-CN.js';
import { REGION_CODE_PATTERN } from '../../regions/region-code.js';

export class SummaryQueryDto {
  @ApiPropertyOptional({
    example: '522600',
    description: 'Default: your own region (required for admins; 000000, admins only: the whole country)',
  })
  @IsOptional()
  @Matches(REGION_CODE_PATTERN, { message: 'regionCode must be a 6- or 9-digit GB/T 2260 code' })
  regionCode?: string;

  @ApiProperty({ example: '2026-06', description: 'YYYY-MM, a month in the service time zone' })
  @Matches(/^(19|2\d)\d{2}-(0[1-9]|1[0-2])$/, { message: 'month must be YYYY-MM (1900–2999)' })
  month!: string;
}

export class MonthlyQueryDto extends SummaryQueryDto {
  @ApiProperty({ enum: ['pdf', 'csv', 'xlsx'] })
  @IsIn(['pdf', 'csv', 'xlsx'])
  format!: 'pdf' | 'csv' | 'xlsx';
}

class TypeRowDto {
  @ApiProperty({ enum: INSTITUTION_TYPES }) type!: string;
  @ApiProperty() institutions!: number;
  @ApiProperty() found!: number;
  @ApiProperty() closed!: number;
}

class ChildRegionRowDto {
  @ApiProperty() regionCode!: string;
  @ApiProperty() regionName!: string;
  @ApiProperty() institutions!: number;
  @ApiProperty() found!: number;
  @ApiProperty() closed!: number;
  @ApiProperty() overdue!: number;
}

class SectionRowDto {
  @ApiProperty() sectionTitle!: string;
  @ApiProperty() found!: number;
}

class MonthlyInstitutionCountsDto {
  @ApiProperty({ description: 'Active institutions in the region subtree' }) total!: number;
  @ApiProperty({ description: 'Institutions with an inspection submitted in the month' }) inspected!: number;
}

class MonthlyInspectionCountsDto {
  @ApiProperty({ description: 'Inspections submitted in the month' }) submitted!: number;
  @ApiProperty({ description: 'Inspections left missed by rounds closed in the month' }) missed!: number;
}

class MonthlyFindingCountsDto {
  @ApiProperty({ description: 'Created in the month' }) found!: number;
  @ApiProperty({ description: 'Of those, major' }) major!: number;
  @ApiProperty({ description: 'Of those, closed by the end of the month' }) closed!: number;
  @ApiProperty({ description: 'Not closed at month end (found in any month)' }) open!: number;
  @ApiProperty({ description: 'Not closed at month end and past their deadline then' }) overdue!: number;
}

export class SummaryDto {
  @ApiProperty() regionCode!: string;
  @ApiProperty() regionName!: string;
  @ApiProperty() month!: string;
  @ApiProperty({ type: MonthlyInstitutionCountsDto }) institutions!: MonthlyInstitutionCountsDto;
  @ApiProperty({ type: MonthlyInspectionCountsDto }) inspections!: MonthlyInspectionCountsDto;
  @ApiProperty({ type: MonthlyFindingCountsDto }) findings!: MonthlyFindingCountsDto;
  @ApiProperty({ description: 'closed / found (0 when nothing was found)', minimum: 0, maximum: 1 }) rectificationRate!: number;
  @ApiProperty({ type: [TypeRowDto] }) byType!: TypeRowDto[];
  @ApiProperty({ type: [ChildRegionRowDto], description: "Each child region's whole subtree" }) byChildRegion!: ChildRegionRowDto[];
  @ApiProperty({ type: [SectionRowDto] }) bySection!: SectionRowDto[];
}
