import { Module } from '@nestjs/common';
import { FindingsModule } from '../findings/findings.module.js';
import { InspectionsModule } from '../inspections/inspections.module.js';
import { InstitutionsModule } from '../institutions/institutions.module.js';
import { UsersModule } from '../users/users.module.js';
import { OfflineController } from './offline.controller.js';
import { OfflineService } from './offline.service.js';

@Module({
  imports: [InspectionsModule, FindingsModule, InstitutionsModule, UsersModule],
  controllers: [OfflineController],
  providers: [OfflineService],
})
export class OfflineModule {}
