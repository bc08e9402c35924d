import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Actor } from '../access/actor.js';
import { Allow, CurrentActor } from '../access/decorators.js';
import { Permission } from '../access/permissions.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import {
  CreateTemplateDto,
  NewTemplateVersionDto,
  TemplateDto,
  TemplatePageDto,
  TemplatesQueryDto,
  TemplateVersionQueryDto,
} from './dto/template.dto.js';
import {
  DiffQueryDto,
  ExportQueryDto,
  ImportQueryDto,
  TemplateDiffDto,
  TemplateImportResultDto,
  TemplateImportUploadDto,
} from './dto/template-sheet.dto.js';
import { TemplateCodePipe } from './template-code.pipe.js';
import { TemplateSheetsService } from './template-sheets.service.js';
import { TemplatesService } from './templates.service.js';

@ApiTags('templates')
@ApiBearerAuth()
@Controller('templates')
export class TemplatesController {
  constructor(
    private readonly templates: TemplatesService,
    private readonly sheets: TemplateSheetsService,
  ) {}

  @Get()
  @Allow(Permission.ReadTemplates)
  @ApiOperation({ summary: 'The latest version of each template, optionally for one institution type' })
  @ApiOkResponse({ type: TemplatePageDto })
  list(@CurrentActor() actor: Actor, @Query() query: TemplatesQueryDto) {
    return this.templates.listLatest(query.institutionType, query, actor);
  }

  @Post()
  @Allow(Permission.ManageTemplates)
  @ApiOperation({ summary: 'Create a template (version 1); 409 when the code exists' })
  @ApiCreatedResponse({ type: TemplateDto })
  create(@CurrentActor() actor: Actor, @Body() body: CreateTemplateDto) {
    return this.templates.create(actor, body);
  }

  @Get('by-code/:code')
  @Allow(Permission.ReadTemplates)
  @ApiOperation({ summary: 'A template by code: the given version, or the latest' })
  @ApiOkResponse({ type: TemplateDto })
  byCode(@CurrentActor() actor: Actor, @Param('code', TemplateCodePipe) code: string, @Query() query: TemplateVersionQueryDto) {
    return this.templates.getByCode(code, query.version, actor);
  }

  @Post('by-code/:code/versions')
  @Allow(Permission.ManageTemplates)
  @ApiOperation({ summary: 'Publish the next version of a template (versions are immutable)' })
  @ApiCreatedResponse({ type: TemplateDto })
  newVersion(@CurrentActor() actor: Actor, @Param('code', TemplateCodePipe) code: string, @Body() body: NewTemplateVersionDto) {
    return this.templates.newVersion(actor, code, body);
  }

  @Post('import')
  @HttpCode(200)
  @Allow(Permission.ManageTemplates)
  @ApiOperation({
    summary: 'Import a template from an XLSX or CSV (layout: templates/README.md); every row error listed, nothing created on any',
    operationId: 'importTemplate',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: TemplateImportUploadDto })
  @ApiNotFoundResponse({ description: 'The code names a template owned by a region outside your scope' })
  @ApiOkResponse({ type: TemplateImportResultDto })
  async import(@CurrentActor() actor: Actor, @Query() query: ImportQueryDto, @Req() req: Request) {
    return this.sheets.import(actor, req, query.dryRun ?? false);
  }

  @Get(':id/export')
  @Allow(Permission.ReadTemplates)
  @ApiOperation({ summary: 'A template version as XLSX or CSV in the import layout', operationId: 'exportTemplate' })
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv')
  @ApiOkResponse({ description: 'The spreadsheet, as an attachment' })
  async export(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Query() query: ExportQueryDto, @Res() res: Response) {
    const file = await this.sheets.export(actor, id, query.format ?? 'xlsx');
    const ascii = file.filename.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '');
    res.status(200);
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.end(file.bytes);
  }

  @Get(':id/diff')
  @Allow(Permission.ReadTemplates)
  @ApiOperation({ summary: 'Items added, removed and changed from this version to `to`', operationId: 'diffTemplates' })
  @ApiOkResponse({ type: TemplateDiffDto })
  diff(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Query() query: DiffQueryDto) {
    return this.sheets.diff(actor, id, new UuidPipe().transform(query.to ?? ''));
  }

  @Get(':id')
  @Allow(Permission.ReadTemplates)
  @ApiOperation({ summary: 'One template version by id' })
  @ApiOkResponse({ type: TemplateDto })
  get(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.templates.get(id, actor);
  }
}
