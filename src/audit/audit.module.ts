import { Module } from '@nestjs/common';
import { AuditChainer } from './audit-chainer.js';
import { AuditController } from './audit.controller.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

@Module({
  controllers: [AuditController],
  providers: [AuditRepository, AuditService, AuditChainer],
  exports: [AuditService],
})
export class AuditModule {}
