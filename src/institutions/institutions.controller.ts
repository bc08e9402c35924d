import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Actor } from '../access/actor.js';
import { Allow, CurrentActor } from '../access/decorators.js';
import { hasPermission, Permission } from '../access/permissions.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { InstitutionError } from './institutions.errors.js';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { receiveFile } from '../common/multipart.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import {
  CreateInstitutionDto,
  ImportResultDto,
  ImportUploadDto,
  InstitutionDto,
  InstitutionPageDto,
  InstitutionQueryDto,
  InstitutionsQueryDto,
  UpdateInstitutionDto,
} from './dto/institution.dto.js';
import { InstitutionsService } from './institutions.service.js';

@ApiTags('institutions')
@ApiBearerAuth()
@Controller('institutions')
export class InstitutionsController {
  constructor(
    private readonly institutions: InstitutionsService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Post()
  @Allow(Permission.ManageInstitutions)
  @ApiOperation({ summary: 'Create an institution in a region of your scope (403 outside it, 409 on a taken credit code)' })
  @ApiCreatedResponse({ type: InstitutionDto })
  create(@CurrentActor() actor: Actor, @Body() body: CreateInstitutionDto) {
    return this.institutions.create(actor, body);
  }

  @Get()
  @Allow(Permission.ReadInstitutions)
  @ApiOperation({ summary: 'Institutions in your scope' })
  @ApiOkResponse({ type: InstitutionPageDto })
  list(@CurrentActor() actor: Actor, @Query() query: InstitutionsQueryDto) {
    return this.institutions.list(
      actor,
      { regionCode: query.regionCode, type: query.type, q: query.q, active: query.active, phone: query.phone },
      query,
    );
  }

  @Post('import')
  @HttpCode(200)
  @Allow(Permission.ManageInstitutions)
  @ApiOperation({
    summary: 'Import institutions from a CSV (streamed); rows upserted by creditCode; bad rows reported by line',
    description: 'Messages of failed rows are in Chinese, for the bureau staff who fix the file.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ImportUploadDto })
  @ApiOkResponse({ type: ImportResultDto })
  async import(@CurrentActor() actor: Actor, @Req() req: Request) {
    const file = await receiveFile(req, { field: 'file', maxBytes: this.config.uploadMaxBytes });
    return this.institutions.importCsv(actor, file.stream);
  }

  @Get(':id')
  @Allow(Permission.ReadInstitutions)
  @ApiOperation({ summary: 'An institution in your scope (404 outside it); ?reveal=phone shows the phone in full (bureau; audited)' })
  @ApiOkResponse({ type: InstitutionDto })
  get(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Query() query: InstitutionQueryDto) {
    if (!query.reveal) return this.institutions.get(actor, id);
    if (!hasPermission(actor.role, Permission.RevealPersonalData)) {
      throw new DomainException(InstitutionError.RevealNotAllowed, 'Only a bureau may see personal data in full');
    }
    return this.institutions.reveal(actor, id);
  }

  @Patch(':id')
  @Allow(Permission.ManageInstitutions)
  @ApiOperation({ summary: 'Change an institution in your scope (name, type, address, contacts, active)' })
  @ApiOkResponse({ type: InstitutionDto })
  update(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() body: UpdateInstitutionDto) {
    return this.institutions.update(actor, id, body);
  }
}
