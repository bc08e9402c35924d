import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { InstitutionsModule } from '../institutions/institutions.module.js';
import { RegionsModule } from '../regions/regions.module.js';
import { AdminBootstrap } from './admin-bootstrap.js';
import { CredentialsCache } from './credentials-cache.js';
import { DormantAccounts } from './dormant-accounts.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [AuditModule, RegionsModule, InstitutionsModule],
  controllers: [UsersController],
  providers: [UsersRepository, UsersService, AdminBootstrap, CredentialsCache, DormantAccounts],
  exports: [UsersService, UsersRepository, AdminBootstrap, CredentialsCache, DormantAccounts],
})
export class UsersModule {}
