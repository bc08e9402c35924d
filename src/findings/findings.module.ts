import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { CalendarModule } from '../calendar/calendar.module.js';
import { InstitutionsModule } from '../institutions/institutions.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { RegionsModule } from '../regions/regions.module.js';
import { FindingsController } from './findings.controller.js';
import { FindingsRepository } from './findings.repository.js';
import { FindingsService } from './findings.service.js';

@Module({
  imports: [AttachmentsModule, AuditModule, CalendarModule, InstitutionsModule, NotificationsModule, RegionsModule],
  controllers: [FindingsController],
  providers: [FindingsRepository, FindingsService],
  exports: [FindingsService],
})
export class FindingsModule {}
