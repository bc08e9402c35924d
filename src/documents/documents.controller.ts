import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../access/actor.js';
import { Allow, CurrentActor } from '../access/decorators.js';
import { Permission } from '../access/permissions.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { RegionCodePipe } from '../regions/region-code.pipe.js';
import { DocumentIssuer } from './document-issuer.service.js';
import { DocumentSettingsService } from './document-settings.service.js';
import { DocumentsService } from './documents.service.js';
import {
  DocumentDto,
  DocumentFileQueryDto,
  DocumentPageDto,
  DocumentSettingsDto,
  DocumentSettingsInputDto,
  DocumentsQueryDto,
  RevokeDocumentDto,
  ServeDocumentDto,
} from './dto/document.dto.js';

@ApiTags('documents')
@ApiBearerAuth()
@Controller()
export class DocumentsController {
  constructor(
    private readonly documents: DocumentsService,
    private readonly issuer: DocumentIssuer,
    private readonly settings: DocumentSettingsService,
  ) {}

  @Post('inspections/:id/notices')
  @Allow(Permission.IssueDocuments)
  @ApiOperation({
    summary: '责令限期整改通知书 for a submitted inspection with open findings (409 if none, or if it has one already: naming its number)',
    operationId: 'issueRectificationNotice',
  })
  @ApiCreatedResponse({ type: DocumentDto })
  async notice(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.documents.get(actor, await this.issuer.notice(actor, id));
  }

  @Post('documents/:id/recheck')
  @Allow(Permission.IssueDocuments)
  @ApiOperation({
    summary: '整改复查意见书 for a notice whose findings are all closed or overdue (else 409)',
    operationId: 'issueRecheckOpinion',
  })
  @ApiCreatedResponse({ type: DocumentDto })
  async recheck(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.documents.get(actor, await this.issuer.recheck(actor, id));
  }

  @Post('findings/:id/supervision')
  @Allow(Permission.IssueSupervision)
  @ApiOperation({ summary: '重大事故隐患挂牌督办通知书 for a major finding (a general one → 409)', operationId: 'issueSupervisionNotice' })
  @ApiCreatedResponse({ type: DocumentDto })
  async supervision(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.documents.get(actor, await this.issuer.supervision(actor, id));
  }

  @Post('documents/:id/serve')
  @HttpCode(200)
  @Allow(Permission.IssueDocuments)
  @ApiOperation({ summary: '送达回执: record who received the document, when and how (issued → served)', operationId: 'serveDocument' })
  @ApiOkResponse({ type: DocumentDto })
  serve(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() body: ServeDocumentDto) {
    return this.documents.serve(actor, id, body);
  }

  @Post('documents/:id/revoke')
  @HttpCode(200)
  @Allow(Permission.RevokeDocuments)
  @ApiOperation({ summary: 'Revoke (作废) a document with a reason; its verify page then says 已作废', operationId: 'revokeDocument' })
  @ApiOkResponse({ type: DocumentDto })
  revoke(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() body: RevokeDocumentDto) {
    return this.documents.revoke(actor, id, body.reason);
  }

  @Get('documents')
  @Allow(Permission.ReadDocuments)
  @ApiOperation({ summary: 'Documents in your scope (a head: its institution), newest first', operationId: 'listDocuments' })
  @ApiOkResponse({ type: DocumentPageDto })
  list(@CurrentActor() actor: Actor, @Query() query: DocumentsQueryDto) {
    const { institutionId, inspectionId, kind } = query;
    return this.documents.list(actor, { institutionId, inspectionId, kind }, query);
  }

  @Get('documents/:id')
  @Allow(Permission.ReadDocuments)
  @ApiOperation({ summary: 'One document', operationId: 'getDocument' })
  @ApiOkResponse({ type: DocumentDto })
  get(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.documents.get(actor, id);
  }

  @Get('documents/:id/file')
  @Allow(Permission.ReadDocuments)
  @ApiOperation({ summary: 'The document as issued, PDF or Word (.docx)', operationId: 'getDocumentFile' })
  @ApiProduces('application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
  @ApiOkResponse({ description: 'The file, as an attachment' })
  async file(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Query() query: DocumentFileQueryDto, @Res() res: Response) {
    const file = await this.documents.file(actor, id, query.format);
    const ascii = file.filename.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '');
    res.status(200);
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(file.bytes);
  }

  @Get('regions/:code/document-settings')
  @Allow(Permission.ReadDocuments)
  @ApiTags('regions')
  @ApiOperation({ summary: "A region's issuer name and number prefixes (defaults from its name)", operationId: 'getDocumentSettings' })
  @ApiOkResponse({ type: DocumentSettingsDto })
  getSettings(@CurrentActor() actor: Actor, @Param('code', RegionCodePipe) code: string) {
    return this.settings.get(actor, code);
  }

  @Put('regions/:code/document-settings')
  @Allow(Permission.ManageDocumentSettings)
  @ApiTags('regions')
  @ApiOperation({
    summary: "Set a region's issuer name and number prefixes (bureau of that region or above, admin)",
    operationId: 'putDocumentSettings',
  })
  @ApiOkResponse({ type: DocumentSettingsDto })
  putSettings(@CurrentActor() actor: Actor, @Param('code', RegionCodePipe) code: string, @Body() body: DocumentSettingsInputDto) {
    return this.settings.put(actor, code, body);
  }
}
