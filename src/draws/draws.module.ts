import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { DrawsController } from './draws.controller.js';
import { DrawsRepository } from './draws.repository.js';
import { DrawsService } from './draws.service.js';
import { PublicRoundsController } from './public-rounds.controller.js';
import { PublicRoundsService } from './public-rounds.service.js';
import { RecusalsController } from './recusals.controller.js';
import { RecusalsService } from './recusals.service.js';

/** 双随机、一公开: draws, recusals (回避) and the public result page. */
@Module({
  imports: [AuditModule],
  controllers: [DrawsController, RecusalsController, PublicRoundsController],
  providers: [DrawsRepository, DrawsService, RecusalsService, PublicRoundsService],
  exports: [DrawsService],
})
export class DrawsModule {}
