import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../access/actor.js';
import { Allow, CurrentActor } from '../access/decorators.js';
import { Permission } from '../access/permissions.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import {
  CreateFindingDto,
  ExtendFindingDto,
  FindingDto,
  FindingPageDto,
  FindingsQueryDto,
  RectifyFindingDto,
  VerifyFindingDto,
} from './dto/finding.dto.js';
import { FindingsService } from './findings.service.js';

@ApiTags('findings')
@ApiBearerAuth()
@Controller('findings')
export class FindingsController {
  constructor(private readonly findings: FindingsService) {}

  @Get()
  @Allow(Permission.ReadFindings)
  @ApiOperation({ summary: 'Findings in your scope, newest first' })
  @ApiOkResponse({ type: FindingPageDto })
  list(@CurrentActor() actor: Actor, @Query() query: FindingsQueryDto) {
    const { status, severity, institutionId, regionCode, overdue, roundId, inspectionId } = query;
    return this.findings.list(actor, { status, severity, institutionId, regionCode, overdue, roundId, inspectionId }, query);
  }

  @Get(':id')
  @Allow(Permission.ReadFindings)
  @ApiOperation({ summary: 'A finding in your scope with its full history' })
  @ApiOkResponse({ type: FindingDto })
  get(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.findings.get(actor, id);
  }

  @Post()
  @Allow(Permission.CreateFindings)
  @ApiOperation({ summary: 'Record an ad-hoc finding at an institution in your scope' })
  @ApiCreatedResponse({ type: FindingDto })
  create(@CurrentActor() actor: Actor, @Body() body: CreateFindingDto) {
    return this.findings.create(actor, body);
  }

  @Post(':id/rectify')
  @HttpCode(200)
  @Allow(Permission.RectifyFindings)
  @ApiOperation({ summary: 'open → pending_verification, with a note and evidence (a major finding needs at least one attachment)' })
  @ApiOkResponse({ type: FindingDto })
  rectify(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() body: RectifyFindingDto) {
    return this.findings.rectify(actor, id, body);
  }

  @Post(':id/verify')
  @HttpCode(200)
  @Allow(Permission.VerifyFindings)
  @ApiOperation({ summary: 'pending_verification → closed (accepted) or open (rejected, note required); never by who rectified (403)' })
  @ApiOkResponse({ type: FindingDto })
  verify(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() body: VerifyFindingDto) {
    return this.findings.verify(actor, id, body);
  }

  @Post(':id/extend')
  @HttpCode(200)
  @Allow(Permission.ExtendFindings)
  @ApiOperation({ summary: 'Move the deadline later with a reason; recorded in history' })
  @ApiOkResponse({ type: FindingDto })
  extend(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() body: ExtendFindingDto) {
    return this.findings.extend(actor, id, body);
  }
}
