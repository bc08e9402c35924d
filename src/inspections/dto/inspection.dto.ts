import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { AttachmentIdsField } from '../../common/attachment-ids.decorator.js';
import { PageDto, PageQueryDto } from '../../common/pagination.js';
import { TemplateDto } from '../../templates/dto/template.dto.js';

export const ANSWER_RESULTS = ['pass', 'fail', 'na'] as const;
export type AnswerResult = (typeof ANSWER_RESULTS)[number];
export const INSPECTION_STATUSES = ['pending', 'in_progress', 'submitted', 'missed'] as const;
export type InspectionStatus = (typeof INSPECTION_STATUSES)[number];

/** The limits of an answer batch: the DTO declares them, AnswersBodyPipe checks them. */
export const ITEM_CODE_MAX_LENGTH = 32;
export const NOTE_MAX_LENGTH = 2000;
export const ANSWERS_PER_BATCH_MAX = 500;
/** An ISO 8601 instant with its offset (`Z` or ±hh:mm), e.g. 2026-06-03T09:15:00+08:00. */
export const ANSWERED_AT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
export const ANSWERED_AT_MESSAGE = 'answeredAt must be an ISO 8601 instant with an offset, e.g. 2026-06-03T09:15:00+08:00';

export class AnswerInputDto {
  @ApiProperty({ example: 'D01' })
  @IsString()
  @MaxLength(ITEM_CODE_MAX_LENGTH)
  itemCode!: string;

  @ApiProperty({ enum: ANSWER_RESULTS, description: 'pass 合格/是, fail 不合格/否, na 不涉及' })
  @IsIn(ANSWER_RESULTS)
  result!: AnswerResult;

  @ApiPropertyOptional({
    oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }],
    description: 'The reading: a number for `number` items and a string for `text` items (required unless na); optional for the others',
  })
  @Allow()
  value?: unknown;

  @ApiPropertyOptional({ maxLength: NOTE_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(NOTE_MAX_LENGTH)
  note?: string;

  @AttachmentIdsField('Uploaded attachments you may use')
  attachmentIds?: string[];

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-06-03T09:15:00+08:00',
    description:
      "When the answer was given, by the device's clock (offline work): at most 5 minutes in the future and not before the start of the round's startsOn; without it, the time of the save",
  })
  @IsOptional()
  @Matches(ANSWERED_AT_PATTERN, { message: ANSWERED_AT_MESSAGE })
  answeredAt?: string;
}

export class PutAnswersDto {
  @ApiProperty({ type: [AnswerInputDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ANSWERS_PER_BATCH_MAX)
  @ValidateNested({ each: true })
  @Type(() => AnswerInputDto)
  answers!: AnswerInputDto[];
}

export class SubmitInspectionDto {
  @ApiPropertyOptional({ description: 'The signer’s name or a data URL of a drawn signature', maxLength: 300000 })
  @IsOptional()
  @IsString()
  @MaxLength(300_000)
  signature?: string;
}

export class AssignInspectionDto {
  @ApiProperty({ format: 'uuid', description: 'An active inspector whose region contains the institution' })
  @IsUUID('all')
  inspectorId!: string;
}

export class InspectionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  roundId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  institutionId?: string;

  @ApiPropertyOptional({ enum: INSPECTION_STATUSES })
  @IsOptional()
  @IsIn(INSPECTION_STATUSES)
  status?: InspectionStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  assigneeId?: string;
}

export class AnswerDto {
  @ApiProperty() itemCode!: string;
  @ApiProperty({ enum: ANSWER_RESULTS }) result!: AnswerResult;
  @ApiPropertyOptional({ oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }] }) value?: unknown;
  @ApiPropertyOptional() note?: string;
  @ApiPropertyOptional({ type: [String], format: 'uuid' }) attachmentIds?: string[];
  @ApiProperty({ format: 'uuid' }) answeredBy!: string;
  @ApiProperty({ format: 'date-time', description: "When the answer was given (the device's clock if it sent one)" }) answeredAt!: string;
  @ApiProperty({ format: 'date-time', description: 'When the server stored it' }) savedAt!: string;
}

export class InspectionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) roundId!: string;
  @ApiProperty({ format: 'uuid' }) institutionId!: string;
  @ApiProperty() institutionName!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty({ format: 'uuid' }) templateId!: string;
  @ApiProperty() templateVersion!: number;
  @ApiProperty({ enum: ['self', 'supervisory'] }) kind!: string;
  @ApiProperty({ enum: INSPECTION_STATUSES }) status!: InspectionStatus;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The first of assigneeIds' }) assigneeId!: string | null;
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Every assigned inspector (a drawn check has at least two); any of them may fill it',
  })
  assigneeIds!: string[];
  @ApiProperty({ type: [AnswerDto] }) answers!: AnswerDto[];
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) submittedAt!: string | null;
  @ApiProperty({ description: 'Send it back as If-Match to save answers only over what you saw' }) version!: number;
}

export class InspectionDetailDto extends InspectionDto {
  @ApiProperty({ type: TemplateDto, description: 'The pinned template version' }) template!: TemplateDto;
}

export class InspectionPageDto extends PageDto {
  @ApiProperty({ type: [InspectionDto] }) items!: InspectionDto[];
}

export class SubmitResultDto {
  @ApiProperty({ type: InspectionDto }) inspection!: InspectionDto;
  @ApiProperty() findingsCreated!: number;
}
