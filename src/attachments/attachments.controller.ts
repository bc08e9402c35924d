import { Controller, Get, Param, Post, Req, Res, StreamableFile } from '@nestjs/common';
import {
  ApiResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Actor } from '../access/actor.js';
import { Allow, CurrentActor } from '../access/decorators.js';
import { Permission } from '../access/permissions.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { AttachmentsService } from './attachments.service.js';

class AttachmentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'IMG_0042.jpg' }) filename!: string;
  @ApiProperty({ enum: ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] }) contentType!: string;
  @ApiProperty() size!: number;
  @ApiProperty() sha256!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

class UploadDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'JPEG, PNG, WebP or PDF (judged by its bytes), at most UPLOAD_MAX_BYTES' })
  file!: unknown;
}

@ApiTags('attachments')
@ApiBearerAuth()
@Controller('attachments')
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Post()
  @Allow(Permission.UploadAttachments)
  @ApiOperation({
    summary: 'Upload a photo or document (streamed; 415 for other types, 413 over the limit)',
    description:
      'Bytes you have uploaded before (the same SHA-256) give that attachment back with 200, as it was stored (its first filename).',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadDto })
  @ApiCreatedResponse({ type: AttachmentDto })
  @ApiResponse({ status: 503, description: 'The file store cannot be reached; nothing was stored' })
  @ApiOkResponse({ type: AttachmentDto, description: 'The same bytes were uploaded by you before: that attachment' })
  async upload(@CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { attachment, created } = await this.attachments.upload(actor, req);
    if (!created) res.status(200);
    return attachment;
  }

  @Get(':id')
  @Allow(Permission.ReadAttachments)
  @ApiOperation({ summary: 'The bytes, for the uploader and for actors who can see an answer or finding that uses it' })
  @ApiOkResponse({ description: 'The file with its sniffed Content-Type' })
  async download(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Res({ passthrough: true }) res: Response) {
    const { attachment, stream } = await this.attachments.open(actor, id);
    const inline = attachment.contentType.startsWith('image/');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, max-age=3600');
    return new StreamableFile(stream, {
      type: attachment.contentType,
      length: attachment.size,
      disposition: `${inline ? 'inline' : 'attachment'}; filename="file.${attachment.filename.split('.').pop()}"; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`,
    });
  }
}
