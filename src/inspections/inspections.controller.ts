import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../access/actor.js';
import { Allow, CurrentActor } from '../access/decorators.js';
import { Permission } from '../access/permissions.js';
import { ValidationFailedException } from '../common/problem/validation.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import {
  AssignInspectionDto,
  InspectionDetailDto,
  InspectionDto,
  InspectionPageDto,
  InspectionsQueryDto,
  PutAnswersDto,
  SubmitInspectionDto,
  SubmitResultDto,
} from './dto/inspection.dto.js';
import { AnswersBodyPipe, type AnswersBody } from './dto/answers-body.pipe.js';
import { InspectionsService } from './inspections.service.js';

/** `If-Match: 5`, `"5"` or `W/"5"` → 5; `*` or absent → no check. */
function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) throw new ValidationFailedException([{ field: 'If-Match', message: 'must be the inspection version, e.g. "3"' }]);
  return Number(match[1]);
}

@ApiTags('inspections')
@ApiBearerAuth()
@Controller('inspections')
export class InspectionsController {
  constructor(private readonly inspections: InspectionsService) {}

  @Get()
  @Allow(Permission.ReadInspections)
  @ApiOperation({ summary: 'Inspections in your scope' })
  @ApiOkResponse({ type: InspectionPageDto })
  list(@CurrentActor() actor: Actor, @Query() query: InspectionsQueryDto) {
    const { roundId, institutionId, status, assigneeId } = query;
    return this.inspections.list(actor, { roundId, institutionId, status, assigneeId }, query);
  }

  @Get(':id')
  @Allow(Permission.ReadInspections)
  @ApiOperation({ summary: 'An inspection with its answers and its pinned template; ETag is its version' })
  @ApiOkResponse({ type: InspectionDetailDto })
  async get(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Res({ passthrough: true }) res: Response) {
    const inspection = await this.inspections.get(actor, id);
    res.setHeader('ETag', `"${inspection.version}"`);
    return inspection;
  }

  @Put(':id/answers')
  @Allow(Permission.FillInspections)
  @ApiOperation({
    summary: 'Save a batch of answers (upsert by itemCode; pending → in_progress)',
    description: 'Honours If-Match with the inspection version: a stale version → 409. Submitted or missed → 409. Unknown itemCode → 400.',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version you saw, e.g. "3"' })
  @ApiBody({ type: PutAnswersDto })
  @ApiOkResponse({ type: InspectionDto })
  async answers(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    // checked by AnswersBodyPipe (the hot path) against PutAnswersDto's rules; the global pipe skips an interface
    @Body(AnswersBodyPipe) body: AnswersBody,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const inspection = await this.inspections.saveAnswers(actor, id, body.answers, parseIfMatch(ifMatch));
    res.setHeader('ETag', `"${inspection.version}"`);
    return inspection;
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Allow(Permission.FillInspections)
  @ApiOperation({
    summary:
      'Submit: every item answered (409 lists `missing`), photos on failed items that need one (409 lists `missingPhotos`); each fail becomes a finding',
  })
  @ApiOkResponse({ type: SubmitResultDto })
  submit(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() body: SubmitInspectionDto) {
    return this.inspections.submit(actor, id, body.signature);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @Allow(Permission.AssignInspections)
  @ApiOperation({ summary: 'Assign a supervisory inspection to an inspector whose region contains the institution' })
  @ApiOkResponse({ type: InspectionDto })
  assign(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() body: AssignInspectionDto) {
    return this.inspections.assign(actor, id, body.inspectorId);
  }
}
