import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsRepository } from './notifications.repository.js';
import { NotificationsService } from './notifications.service.js';
import { OutboxRepository } from './outbox.repository.js';
import { SecurityNotices } from './security-notices.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

@Module({
  imports: [AuditModule],
  controllers: [NotificationsController],
  providers: [NotificationsRepository, NotificationsService, OutboxRepository, WebhookDispatcher, SecurityNotices],
  exports: [NotificationsService, OutboxRepository, SecurityNotices],
})
export class NotificationsModule {}
