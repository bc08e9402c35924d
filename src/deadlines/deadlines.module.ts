import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { UsersModule } from '../users/users.module.js';
import { IdempotencyModule } from '../idempotency/idempotency.module.js';
import { ChannelsModule } from '../notifications/channels/channels.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { DeadlinesJob } from './deadlines.job.js';
import { DeadlinesRepository } from './deadlines.repository.js';
import { DeadlinesService } from './deadlines.service.js';
import { JobsController } from './jobs.controller.js';

@Module({
  imports: [AuditModule, AuthModule, UsersModule, NotificationsModule, ChannelsModule, IdempotencyModule],
  controllers: [JobsController],
  providers: [DeadlinesRepository, DeadlinesService, DeadlinesJob],
})
export class DeadlinesModule {}
