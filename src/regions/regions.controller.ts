import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../access/actor.js';
import { Allow, CurrentActor } from '../access/decorators.js';
import { Permission } from '../access/permissions.js';
import { RegionCodePipe } from './region-code.pipe.js';
import {
  CreateRegionDto,
  ImportRegionsDto,
  ImportRegionsResultDto,
  RegionDetailDto,
  RegionPageDto,
  RegionsQueryDto,
} from './dto/region.dto.js';
import { RegionsService } from './regions.service.js';

@ApiTags('regions')
@ApiBearerAuth()
@Controller('regions')
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Get()
  @Allow(Permission.ReadRegions)
  @ApiOperation({ summary: 'Children of a region, or the provinces when parentCode is omitted' })
  @ApiOkResponse({ type: RegionPageDto })
  list(@Query() query: RegionsQueryDto) {
    return this.regions.children(query.parentCode, query);
  }

  @Post()
  @Allow(Permission.ManageRegions)
  @ApiOperation({ summary: 'Create a region (admin); its parent must be the structural parent of its code' })
  @ApiCreatedResponse({ type: RegionDetailDto })
  create(@CurrentActor() actor: Actor, @Body() body: CreateRegionDto) {
    return this.regions.create(actor, body);
  }

  @Post('import')
  @HttpCode(200)
  @Allow(Permission.ManageRegions)
  @ApiOperation({ summary: 'Load the official national division list (admin); idempotent' })
  @ApiOkResponse({ type: ImportRegionsResultDto })
  import(@CurrentActor() actor: Actor, @Body() body: ImportRegionsDto) {
    return this.regions.importNational(actor, body.provinceCodes);
  }

  @Get(':code')
  @Allow(Permission.ReadRegions)
  @ApiParam({ name: 'code', example: '522633' })
  @ApiOperation({ summary: 'A region with its path from the top level' })
  @ApiOkResponse({ type: RegionDetailDto })
  get(@Param('code', RegionCodePipe) code: string) {
    return this.regions.get(code);
  }
}
