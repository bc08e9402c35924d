import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsRepository } from './notifications.repository.js';
import { NotificationsService } from './notifications.service.js';
import { OutboxRepository } from './outbox.repository.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

@Module({
  imports: [AuditModule],
  controllers: [NotificationsController],
  providers: [NotificationsRepository, NotificationsService, OutboxRepository, WebhookDispatcher],
  exports: [NotificationsService, OutboxRepository],
})
export class NotificationsModule {}
