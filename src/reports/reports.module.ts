import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { FindingsModule } from '../findings/findings.module.js';
import { InspectionsModule } from '../inspections/inspections.module.js';
import { RegionsModule } from '../regions/regions.module.js';
import { RoundsModule } from '../rounds/rounds.module.js';
import { ReportRollups } from './report-rollups.js';
import { ReportsController } from './reports.controller.js';
import { ReportsRecount } from './reports-recount.js';
import { ReportsRepository } from './reports.repository.js';
import { ReportsService } from './reports.service.js';

@Module({
  imports: [AttachmentsModule, AuditModule, FindingsModule, InspectionsModule, RegionsModule, RoundsModule],
  controllers: [ReportsController],
  providers: [ReportRollups, ReportsRecount, ReportsRepository, ReportsService],
  exports: [ReportsRecount],
})
export class ReportsModule {}
