import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Validate } from 'class-validator';
import type { Actor } from '../access/actor.js';
import { Allow, CurrentActor } from '../access/decorators.js';
import { Permission } from '../access/permissions.js';
import { CalendarDateConstraint } from '../common/calendar-date.validator.js';
import { DeadlinesService } from './deadlines.service.js';

class RunDeadlinesDto {
  @ApiPropertyOptional({ format: 'date', description: 'Run as of this date (default: today in TZ)' })
  @IsOptional()
  @Validate(CalendarDateConstraint)
  asOf?: string;
}

class DeadlinesResultDto {
  @ApiProperty({ format: 'date' }) asOf!: string;
  @ApiProperty() markedOverdue!: number;
  @ApiProperty({ description: '`overdue` notices to the heads of the findings just marked' }) overdueNotices!: number;
  @ApiProperty() reminders!: number;
  @ApiProperty({ description: 'escalation notices (the region ladder, ESCALATION_STEP_DAYS per level)' }) escalations!: number;
  @ApiProperty({ description: 'in-app digest notifications to heads (one per head and day)' }) digests!: number;
  @ApiProperty({ description: 'regions whose work-group robot digest was made by this run' }) regionDigests!: number;
  @ApiProperty({ description: 'robot messages queued in the outbox' }) robotMessages!: number;
  @ApiProperty({ description: 'Idempotency-Key records past their retention, deleted' }) idempotencyKeysExpired!: number;
  @ApiProperty({ description: 'accounts with no login for DORMANT_DAYS, disabled' }) dormantAccountsDisabled!: number;
  @ApiProperty({ description: 'sessions ended more than a month ago, deleted' }) sessionsPurged!: number;
}

@ApiTags('jobs')
@ApiBearerAuth()
@Controller('jobs')
export class JobsController {
  constructor(private readonly deadlines: DeadlinesService) {}

  @Post('deadlines/run')
  @HttpCode(200)
  @Allow(Permission.RunJobs)
  @ApiOperation({ summary: 'Run the deadlines job now, as of a date (audited with slot "manual"); also sends the day’s digests' })
  @ApiOkResponse({ type: DeadlinesResultDto })
  run(@CurrentActor() actor: Actor, @Body() body: RunDeadlinesDto) {
    return this.deadlines.run({ asOf: body.asOf, slot: 'manual', actorId: actor.id });
  }
}
