import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { FindingsModule } from '../findings/findings.module.js';
import { RegionsModule } from '../regions/regions.module.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { UsersModule } from '../users/users.module.js';
import { InspectionsController } from './inspections.controller.js';
import { InspectionsRepository } from './inspections.repository.js';
import { InspectionsService } from './inspections.service.js';

@Module({
  imports: [AuditModule, AttachmentsModule, FindingsModule, RegionsModule, TemplatesModule, UsersModule],
  controllers: [InspectionsController],
  providers: [InspectionsRepository, InspectionsService],
  exports: [InspectionsService],
})
export class InspectionsModule {}
