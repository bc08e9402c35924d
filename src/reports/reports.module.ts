import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { FindingsModule } from '../findings/findings.module.js';
import { InspectionsModule } from '../inspections/inspections.module.js';
import { RegionsModule } from '../regions/regions.module.js';
import { RoundsModule } from '../rounds/rounds.module.js';
import { ReportsController } from './reports.controller.js';
import { ReportsRepository } from './reports.repository.js';
import { ReportsService } from './reports.service.js';

@Module({
  imports: [AttachmentsModule, AuditModule, FindingsModule, InspectionsModule, RegionsModule, RoundsModule],
  controllers: [ReportsController],
  providers: [ReportsRepository, ReportsService],
})
export class ReportsModule {}
