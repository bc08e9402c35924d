import { HASH_ALGORITHMS } from '../audit-chain.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageDto, PageQueryDto } from '../../common/pagination.js';

export const AUDIT_ENTITIES = [
  'user',
  'region',
  'institution',
  'template',
  'round',
  'inspection',
  'finding',
  'attachment',
  'notification',
  'job',
  'document',
  'draw',
] as const;

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: AUDIT_ENTITIES })
  @IsOptional()
  @IsIn(AUDIT_ENTITIES)
  entity?: string;

  @ApiPropertyOptional({ description: "The object's id (a code for regions, a name for jobs)" })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  entityId?: string;
}

export class AuditEventDto {
  @ApiProperty({ example: 42 }) seq!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) actorId!: string | null;
  @ApiProperty({ example: 'institution.create' }) action!: string;
  @ApiProperty({ enum: AUDIT_ENTITIES }) entity!: string;
  @ApiProperty({ nullable: true, type: String }) entityId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Region the object belongs to (decides which bureaus see it)' })
  regionCode!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
  @ApiProperty({
    description:
      'Hex HMAC under AUDIT_KEY (or SHA-256 for events from before the key) over the previous hash and the canonical JSON of this event',
  })
  hash!: string;
  @ApiProperty({ enum: HASH_ALGORITHMS, description: 'How hash was made' }) hashAlgorithm!: string;
}

export class AuditPageDto extends PageDto {
  @ApiProperty({ type: [AuditEventDto] }) items!: AuditEventDto[];
}

export class AuditVerifyDto {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ description: 'Events checked' }) events!: number;
  @ApiProperty({ nullable: true, type: Number }) firstBadSeq!: number | null;
}
