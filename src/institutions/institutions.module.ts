import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { RegionsModule } from '../regions/regions.module.js';
import { InstitutionsController } from './institutions.controller.js';
import { InstitutionsRepository } from './institutions.repository.js';
import { InstitutionsService } from './institutions.service.js';
import { PhoneSealer } from './phone-sealer.js';

@Module({
  imports: [AuditModule, RegionsModule],
  controllers: [InstitutionsController],
  providers: [InstitutionsRepository, InstitutionsService, PhoneSealer],
  exports: [InstitutionsService],
})
export class InstitutionsModule {}
