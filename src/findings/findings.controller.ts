import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor.js';
import { Allow, CurrentActor } from '../auth/auth.decorators.js';
import { Permission } from '../auth/permissions.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { FindingDto, FindingPageDto, FindingsQueryDto } from './dto/finding.dto.js';
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
    const { status, severity, institutionId, regionCode, overdue, roundId } = query;
    return this.findings.list(actor, { status, severity, institutionId, regionCode, overdue, roundId }, query);
  }

  @Get(':id')
  @Allow(Permission.ReadFindings)
  @ApiOkResponse({ type: FindingDto })
  get(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.findings.get(actor, id);
  }
}
