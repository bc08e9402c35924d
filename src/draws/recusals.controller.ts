import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../access/actor.js';
import { Allow, CurrentActor } from '../access/decorators.js';
import { Permission } from '../access/permissions.js';
import { PageQueryDto } from '../common/pagination.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { CreateRecusalDto, RecusalDto, RecusalPageDto } from './dto/draw.dto.js';
import { RecusalsService } from './recusals.service.js';

@ApiTags('draws')
@ApiBearerAuth()
@Controller('users')
export class RecusalsController {
  constructor(private readonly recusals: RecusalsService) {}

  @Post(':id/recusals')
  @Allow(Permission.ManageUsers)
  @ApiOperation({
    summary: 'Recuse an inspector from an institution (回避): it is never drawn for it',
    description: 'The inspector and the institution must be in your scope (else 404); 409 when the recusal exists.',
    operationId: 'createRecusal',
  })
  @ApiCreatedResponse({ type: RecusalDto })
  create(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() body: CreateRecusalDto) {
    return this.recusals.create(actor, id, body);
  }

  @Get(':id/recusals')
  @Allow(Permission.ReadUsers)
  @ApiOperation({ summary: "An inspector's recusals", operationId: 'listRecusals' })
  @ApiOkResponse({ type: RecusalPageDto })
  list(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Query() query: PageQueryDto) {
    return this.recusals.list(actor, id, query);
  }

  @Delete(':id/recusals/:institutionId')
  @HttpCode(204)
  @Allow(Permission.ManageUsers)
  @ApiOperation({ summary: 'Lift a recusal', operationId: 'deleteRecusal' })
  @ApiNoContentResponse({ description: 'Lifted' })
  async remove(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Param('institutionId', UuidPipe) institutionId: string,
  ): Promise<void> {
    await this.recusals.remove(actor, id, institutionId);
  }
}
