import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { HealthController } from './health.controller.js';

@Module({
  imports: [TerminusModule, AttachmentsModule],
  controllers: [HealthController],
})
export class HealthModule {}
