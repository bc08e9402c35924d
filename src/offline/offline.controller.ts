import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiNotModifiedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../access/actor.js';
import { Allow, CurrentActor } from '../access/decorators.js';
import { Permission } from '../access/permissions.js';
import { FindingDto } from '../findings/dto/finding.dto.js';
import { InspectionDetailDto } from '../inspections/dto/inspection.dto.js';
import { InstitutionDto } from '../institutions/dto/institution.dto.js';
import { UserDto } from '../users/dto/user.dto.js';
import { noneMatch } from '../common/http-cache.js';
import { OfflineService } from './offline.service.js';

class OfflinePackDto {
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;
  @ApiProperty({ type: UserDto }) user!: UserDto;
  @ApiProperty({
    type: [InspectionDetailDto],
    description: 'Pending and in-progress inspections: those you may fill (a head: all of its institution)',
  })
  inspections!: InspectionDetailDto[];
  @ApiProperty({
    type: [FindingDto],
    description: 'A head: its open and pending_verification findings; a verifier: those pending_verification it may verify',
  })
  findings!: FindingDto[];
  @ApiProperty({ type: [InstitutionDto], description: 'The institutions these refer to' }) institutions!: InstitutionDto[];
}

@ApiTags('offline')
@ApiBearerAuth()
@Controller('me')
export class OfflineController {
  constructor(private readonly offline: OfflineService) {}

  @Get('offline-pack')
  @Allow(Permission.ReadInspections, Permission.ReadFindings)
  @ApiOperation({
    summary: 'Everything you need in the field, for working offline (离线填报)',
    description: 'A strong ETag over the content (not generatedAt); send it back as If-None-Match for a 304 while nothing changed.',
  })
  @ApiHeader({ name: 'If-None-Match', required: false })
  @ApiOkResponse({ type: OfflinePackDto })
  @ApiNotModifiedResponse({ description: 'Your copy is current' })
  async pack(
    @CurrentActor() actor: Actor,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { pack, etag } = await this.offline.pack(actor);
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    if (noneMatch(ifNoneMatch, etag)) {
      res.status(304);
      return undefined;
    }
    return pack;
  }
}
