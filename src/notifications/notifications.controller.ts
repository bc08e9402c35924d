import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import type { Actor } from '../access/actor.js';
import { Allow, CurrentActor } from '../access/decorators.js';
import { Permission } from '../access/permissions.js';
import { PageDto, PageQueryDto } from '../common/pagination.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { NotificationsService } from './notifications.service.js';

const KINDS = [
  'finding_created',
  'deadline_reminder',
  'overdue',
  'escalation',
  'rectification_submitted',
  'rectification_rejected',
  'digest',
  // to the security admins: a lockout, a copied session, a burst of refusals, a broken audit chain, dormant accounts disabled
  'security',
];

class NotificationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'true: only unread ones' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  unread?: boolean;
}

class NotificationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: KINDS }) kind!: string;
  @ApiProperty({ format: 'uuid', type: String, nullable: true, description: 'null on a digest (see findingIds)' }) findingId!:
    string | null;
  @ApiProperty({ type: [String], format: 'uuid', description: 'the findings it is about: [findingId], or those of a digest' })
  findingIds!: string[];
  @ApiProperty({ example: '检查发现一般事故隐患：“安全出口标志是否完好”，请于 2026-06-17 前完成整改并上传整改材料。' }) message!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) readAt!: string | null;
}

class NotificationPageDto extends PageDto {
  @ApiProperty({ type: [NotificationDto] }) items!: NotificationDto[];
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Allow(Permission.ReadNotifications)
  @ApiOperation({ summary: 'Your own notifications, newest first' })
  @ApiOkResponse({ type: NotificationPageDto })
  list(@CurrentActor() actor: Actor, @Query() query: NotificationsQueryDto) {
    return this.notifications.list(actor, query.unread === true, query);
  }

  @Post(':id/read')
  @HttpCode(200)
  @Allow(Permission.ReadNotifications)
  @ApiOperation({ summary: 'Mark one of your notifications read (404 for anyone else’s)' })
  @ApiOkResponse({ type: NotificationDto })
  read(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.notifications.markRead(actor, id);
  }
}
