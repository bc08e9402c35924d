import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { TemplatesController } from './templates.controller.js';
import { TemplatesRepository } from './templates.repository.js';
import { TemplateSheetsService } from './template-sheets.service.js';
import { TemplatesService } from './templates.service.js';

@Module({
  imports: [AuditModule],
  controllers: [TemplatesController],
  providers: [TemplatesRepository, TemplatesService, TemplateSheetsService],
  exports: [TemplatesService],
})
export class TemplatesModule {}
