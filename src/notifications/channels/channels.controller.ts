import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../access/actor.js';
import { Allow, CurrentActor } from '../../access/decorators.js';
import { Permission } from '../../access/permissions.js';
import { RegionCodePipe } from '../../regions/region-code.pipe.js';
import { ChannelsService } from './channels.service.js';
import { ChannelsDto, ChannelTestDto, PutChannelsDto } from './dto/channels.dto.js';

@ApiTags('channels')
@ApiBearerAuth()
@Controller('regions/:code/channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Get()
  @Allow(Permission.ManageChannels)
  @ApiParam({ name: 'code', example: '522633' })
  @ApiOperation({
    summary: 'The region’s work-group robots, secrets masked (bureau of that region, admin)',
    operationId: 'getRegionChannels',
  })
  @ApiOkResponse({ type: ChannelsDto })
  get(@CurrentActor() actor: Actor, @Param('code', RegionCodePipe) code: string) {
    return this.channels.get(actor, code);
  }

  @Put()
  @Allow(Permission.ManageChannels)
  @ApiParam({ name: 'code', example: '522633' })
  @ApiOperation({
    summary: 'Set the region’s WeCom / DingTalk robots (omitted = unchanged, null = removed); audited without the URLs or the secret',
    operationId: 'putRegionChannels',
  })
  @ApiOkResponse({ type: ChannelsDto })
  put(@CurrentActor() actor: Actor, @Param('code', RegionCodePipe) code: string, @Body() body: PutChannelsDto) {
    return this.channels.put(actor, code, body);
  }

  @Post('test')
  @HttpCode(202)
  @Allow(Permission.ManageChannels)
  @ApiParam({ name: 'code', example: '522633' })
  @ApiOperation({
    summary: 'Queue a test message to each of the region’s robots (发送测试消息); at most one burst per 10 s (else 429)',
    operationId: 'testRegionChannels',
  })
  @ApiAcceptedResponse({ type: ChannelTestDto, description: 'Queued in the outbox; delivered within seconds, retried like any message' })
  @ApiResponse({ status: 409, description: 'The region has no robot set' })
  test(@CurrentActor() actor: Actor, @Param('code', RegionCodePipe) code: string) {
    return this.channels.test(actor, code);
  }
}
