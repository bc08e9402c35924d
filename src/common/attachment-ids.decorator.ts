import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsUUID } from 'class-validator';

export const MAX_ATTACHMENTS = 20;

/** An optional list of attachment ids in a body (visibility is checked by the service). */
export function AttachmentIdsField(description?: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_ATTACHMENTS, description }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(MAX_ATTACHMENTS),
    IsUUID('all', { each: true }),
  );
}
