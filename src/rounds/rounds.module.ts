import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { RegionsModule } from '../regions/regions.module.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { RoundsController } from './rounds.controller.js';
import { RoundsRepository } from './rounds.repository.js';
import { RoundsService } from './rounds.service.js';

@Module({
  imports: [AuditModule, RegionsModule, TemplatesModule],
  controllers: [RoundsController],
  providers: [RoundsRepository, RoundsService],
  exports: [RoundsService],
})
export class RoundsModule {}
