import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { TemplateDto, TemplateItemDto } from './template.dto.js';

export class ImportQueryDto {
  @ApiPropertyOptional({ type: Boolean, default: false, description: 'true: check and preview, create nothing' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  dryRun?: boolean;
}

export class TemplateImportUploadDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'XLSX or CSV in the layout of templates/README.md, ≤ 5 MB' })
  file!: unknown;

  @ApiProperty({ maxLength: 64, example: 'guizhou-elderly-care' }) code!: string;
  @ApiProperty({ maxLength: 200 }) name!: string;
  @ApiProperty({ maxLength: 500, description: 'Comma-separated institution type codes', example: 'elderly_care' })
  institutionTypes!: string;
  @ApiPropertyOptional({ maxLength: 2000, description: 'Omitted: the latest version keeps its description' }) description?: string;
}

export class RowErrorDto {
  @ApiProperty({ description: 'Spreadsheet row (the header is row 1); 0 for an error of the whole template' }) row!: number;
  @ApiProperty({ description: 'Excel column letter (e.g. C); empty for an error of the whole template' }) column!: string;
  @ApiProperty({ description: 'Excel cell (e.g. C17); empty for an error of the whole template' }) cell!: string;
  @ApiProperty({ description: 'In Chinese, naming the cell' }) message!: string;
}

export class TemplateImportResultDto {
  @ApiProperty({
    type: TemplateDto,
    nullable: true,
    description: 'The saved version (or the unchanged latest); null on errors or a dry run that would create',
  })
  template!: TemplateDto | null;

  @ApiProperty({ description: 'Whether a version was created by this request' }) created!: boolean;
  @ApiProperty({ type: [RowErrorDto] }) errors!: RowErrorDto[];
  @ApiProperty({ description: 'Item rows read' }) items!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'The version the import yields (or would yield); null on errors' })
  version!: number | null;
}

export class ExportQueryDto {
  @ApiPropertyOptional({ enum: ['xlsx', 'csv'], default: 'xlsx' })
  @IsOptional()
  @IsIn(['xlsx', 'csv'])
  format?: 'xlsx' | 'csv';
}

export class DiffQueryDto {
  @ApiProperty({ format: 'uuid', description: 'The version to compare with' })
  @IsOptional()
  to?: string;
}

export class DiffItemDto extends TemplateItemDto {
  @ApiProperty({ description: 'The section code the item is in' }) section!: string;
}

export class ChangedItemDto {
  @ApiProperty() code!: string;
  @ApiProperty({ type: [String], description: 'Item fields that differ (and `section` when the item moved)' }) fields!: string[];
}

export class TemplateDiffDto {
  @ApiProperty({ type: [DiffItemDto] }) added!: DiffItemDto[];
  @ApiProperty({ type: [DiffItemDto] }) removed!: DiffItemDto[];
  @ApiProperty({ type: [ChangedItemDto] }) changed!: ChangedItemDto[];
}
