import { Module } from '@nestjs/common';
import { CalendarController } from './calendar.controller.js';
import { WorkdaysService } from './workdays.service.js';

@Module({
  controllers: [CalendarController],
  providers: [WorkdaysService],
  exports: [WorkdaysService],
})
export class CalendarModule {}
