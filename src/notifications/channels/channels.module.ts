import { Module } from '@nestjs/common';
import { AuditModule } from '../../audit/audit.module.js';
import { NotificationsModule } from '../notifications.module.js';
import { ChannelSealer } from './channel-sealer.js';
import { ChannelsController } from './channels.controller.js';
import { ChannelsRepository } from './channels.repository.js';
import { ChannelsService } from './channels.service.js';
import { RobotDispatcher } from './robot-dispatcher.js';

/** Work-group robots per region (企业微信, 钉钉) and the daily digest sent to them through the outbox. */
@Module({
  imports: [AuditModule, NotificationsModule],
  controllers: [ChannelsController],
  providers: [ChannelsRepository, ChannelsService, RobotDispatcher, ChannelSealer],
  exports: [ChannelsService],
})
export class ChannelsModule {}
