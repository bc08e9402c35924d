import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
import { TemplateCodePipe } from './template-code.pipe.js';
import { TemplatesService } from './templates.service.js';

@ApiTags('templates')
@ApiBearerAuth()
@Controller('templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @Allow(Permission.ReadTemplates)
  @ApiOperation({ summary: 'The latest version of each template, optionally for one institution type' })
  @ApiOkResponse({ type: TemplatePageDto })
  list(@Query() query: TemplatesQueryDto) {
    return this.templates.listLatest(query.institutionType, query);
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
  byCode(@Param('code', TemplateCodePipe) code: string, @Query() query: TemplateVersionQueryDto) {
    return this.templates.getByCode(code, query.version);
  }

  @Post('by-code/:code/versions')
  @Allow(Permission.ManageTemplates)
  @ApiOperation({ summary: 'Publish the next version of a template (versions are immutable)' })
  @ApiCreatedResponse({ type: TemplateDto })
  newVersion(@CurrentActor() actor: Actor, @Param('code', TemplateCodePipe) code: string, @Body() body: NewTemplateVersionDto) {
    return this.templates.newVersion(actor, code, body);
  }

  @Get(':id')
  @Allow(Permission.ReadTemplates)
  @ApiOperation({ summary: 'One template version by id' })
  @ApiOkResponse({ type: TemplateDto })
  get(@Param('id', UuidPipe) id: string) {
    return this.templates.get(id);
  }
}
