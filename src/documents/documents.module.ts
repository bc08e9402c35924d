import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { CalendarModule } from '../calendar/calendar.module.js';
import { DocumentIssuer } from './document-issuer.service.js';
import { DocumentSettingsService } from './document-settings.service.js';
import { DocumentsController } from './documents.controller.js';
import { DocumentsRepository } from './documents.repository.js';
import { DocumentsService } from './documents.service.js';
import { VerifyController } from './verify.controller.js';

@Module({
  imports: [AttachmentsModule, AuditModule, CalendarModule],
  controllers: [DocumentsController, VerifyController],
  providers: [DocumentsRepository, DocumentsService, DocumentIssuer, DocumentSettingsService],
  exports: [DocumentsService],
})
export class DocumentsModule {}
