import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { FindingsModule } from '../findings/findings.module.js';
import { InspectionsModule } from '../inspections/inspections.module.js';
import { InstitutionsModule } from '../institutions/institutions.module.js';
import { RegionsModule } from '../regions/regions.module.js';
import { RoundsModule } from '../rounds/rounds.module.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { UsersModule } from '../users/users.module.js';
import { DemoSeeder } from './demo-seeder.js';
import { DemoRepository } from './demo.repository.js';

@Module({
  imports: [
    AttachmentsModule,
    FindingsModule,
    InspectionsModule,
    InstitutionsModule,
    RegionsModule,
    RoundsModule,
    TemplatesModule,
    UsersModule,
  ],
  providers: [DemoRepository, DemoSeeder],
})
export class DemoModule {}
