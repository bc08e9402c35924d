import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../access/actor.js';
import { Allow, CurrentActor } from '../access/decorators.js';
import { Permission } from '../access/permissions.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { DrawsService } from './draws.service.js';
import { CreateDrawDto, DrawDto, DrawExportDto, DrawVerifyDto, PublishResultDto } from './dto/draw.dto.js';

@ApiTags('draws')
@ApiBearerAuth()
@Controller('rounds')
export class DrawsController {
  constructor(private readonly draws: DrawsService) {}

  @Post(':id/draw')
  @Allow(Permission.ManageRounds)
  @ApiOperation({
    summary: 'Draw the institutions and their inspectors (双随机) for a draft supervisory round; replaces the previous draw',
    description:
      'Exactly one of ratio and count (else 400). 409 for an open, closed or self-check round, and when a drawn institution ' +
      'has fewer than inspectorsPerInspection eligible inspectors (listed in `institutions`). The algorithm is docs/draw.md.',
    operationId: 'drawRound',
  })
  @ApiCreatedResponse({ type: DrawDto })
  draw(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() body: CreateDrawDto) {
    return this.draws.draw(actor, id, body);
  }

  @Get(':id/draw')
  @Allow(Permission.ReadRounds)
  @ApiOperation({ summary: "The round's current draw; 404 when it has none", operationId: 'getRoundDraw' })
  @ApiOkResponse({ type: DrawDto })
  get(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.draws.get(actor, id);
  }

  @Get(':id/draw/verify')
  @Allow(Permission.ReadRounds)
  @ApiOperation({ summary: 'Recompute the stored draw from its stored inputs and compare', operationId: 'verifyRoundDraw' })
  @ApiOkResponse({ type: DrawVerifyDto })
  verify(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.draws.verify(actor, id);
  }

  @Get(':id/draw/export')
  @Allow(Permission.ReadRounds)
  @ApiOperation({
    summary: 'The JSON an outsider needs to recompute the draw (`npm run draw:verify -- draw.json`)',
    operationId: 'exportRoundDraw',
  })
  @ApiOkResponse({ type: DrawExportDto })
  export(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.draws.export(actor, id);
  }

  @Post(':id/publish')
  @HttpCode(200)
  @Allow(Permission.ManageRounds)
  @ApiOperation({
    summary: 'Make the round public (一公开) at /public/rounds/:id; 409 for a draft round; publishing again changes nothing',
    operationId: 'publishRound',
  })
  @ApiOkResponse({ type: PublishResultDto })
  publish(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.draws.publish(actor, id);
  }
}
