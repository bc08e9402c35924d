import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../access/actor.js';
import { Allow, CurrentActor } from '../access/decorators.js';
import { Permission } from '../access/permissions.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { CreateRoundDto, OpenRoundResultDto, RoundDto, RoundPageDto, RoundProgressDto, RoundsQueryDto } from './dto/round.dto.js';
import { RoundsService } from './rounds.service.js';

@ApiTags('rounds')
@ApiBearerAuth()
@Controller('rounds')
export class RoundsController {
  constructor(private readonly rounds: RoundsService) {}

  @Post()
  @Allow(Permission.ManageRounds)
  @ApiOperation({ summary: 'Create a round (draft) for a region in your scope' })
  @ApiCreatedResponse({ type: RoundDto })
  create(@CurrentActor() actor: Actor, @Body() body: CreateRoundDto) {
    return this.rounds.create(actor, body);
  }

  @Get()
  @Allow(Permission.ReadRounds)
  @ApiOperation({ summary: 'Rounds of your region subtree and the rounds above that cover your region' })
  @ApiOkResponse({ type: RoundPageDto })
  list(@CurrentActor() actor: Actor, @Query() query: RoundsQueryDto) {
    return this.rounds.list(actor, { status: query.status, kind: query.kind }, query);
  }

  @Get(':id')
  @Allow(Permission.ReadRounds)
  @ApiOperation({ summary: 'A round you may see' })
  @ApiOkResponse({ type: RoundDto })
  get(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.rounds.get(actor, id);
  }

  @Post(':id/open')
  @HttpCode(200)
  @Allow(Permission.ManageRounds)
  @ApiOperation({ summary: 'Open: one inspection per active institution of the listed types in the region; idempotent' })
  @ApiOkResponse({ type: OpenRoundResultDto })
  open(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.rounds.open(actor, id);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Allow(Permission.ManageRounds)
  @ApiOperation({ summary: 'Close: unsubmitted inspections become missed; 409 unless open' })
  @ApiOkResponse({ type: RoundDto })
  close(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.rounds.close(actor, id);
  }

  @Get(':id/progress')
  @Allow(Permission.ReadRounds)
  @ApiOperation({ summary: 'Counts of the inspections and findings of the round that you may see' })
  @ApiOkResponse({ type: RoundProgressDto })
  progress(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.rounds.progress(actor, id);
  }
}
