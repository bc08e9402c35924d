import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min, Validate } from 'class-validator';
import { Allow } from '../access/decorators.js';
import { Permission } from '../access/permissions.js';
import { CalendarDateConstraint } from '../common/calendar-date.validator.js';
import { WorkdaysService } from './workdays.service.js';

export class WorkdaysQueryDto {
  @ApiProperty({ format: 'date', example: '2026-09-30' })
  @Validate(CalendarDateConstraint)
  from!: string;

  @ApiProperty({ minimum: 1, maximum: 3650, example: 3 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  days!: number;
}

export class WorkdaysDto {
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty() days!: number;
  @ApiProperty({ format: 'date', description: 'The days-th working day after from' }) date!: string;
  @ApiProperty({
    enum: ['official', 'weekdays_only'],
    description: 'weekdays_only: a year the holiday data does not cover, counted Monday–Friday',
  })
  calendar!: string;
}

@ApiTags('calendar')
@ApiBearerAuth()
@Controller('calendar')
export class CalendarController {
  constructor(private readonly workdays: WorkdaysService) {}

  @Get('workdays')
  @Allow(Permission.ReadCalendar)
  @ApiOperation({ summary: 'The date N official working days (工作日, with 调休) after a date', operationId: 'addWorkdays' })
  @ApiOkResponse({ type: WorkdaysDto })
  add(@Query() query: WorkdaysQueryDto): WorkdaysDto {
    return this.workdays.add(query.from, query.days);
  }
}
