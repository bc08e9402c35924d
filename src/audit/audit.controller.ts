import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../access/actor.js';
import { Allow, CurrentActor } from '../access/decorators.js';
import { Permission } from '../access/permissions.js';
import { AuditService } from './audit.service.js';
import { AuditPageDto, AuditQueryDto, AuditVerifyDto } from './dto/audit.dto.js';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Allow(Permission.ReadAudit)
  @ApiOperation({ summary: 'The audit trail in chain order (admin: all; bureau: objects in its region subtree)' })
  @ApiOkResponse({ type: AuditPageDto })
  list(@CurrentActor() actor: Actor, @Query() query: AuditQueryDto) {
    return this.audit.list(actor, { entity: query.entity, entityId: query.entityId }, query);
  }

  @Get('verify')
  @Allow(Permission.VerifyAudit)
  @ApiOperation({ summary: 'Recompute the hash chain and report the first tampered event' })
  @ApiOkResponse({ type: AuditVerifyDto })
  verify() {
    return this.audit.verify();
  }
}
