import { AuditEventEntity } from '../audit/audit-event.entity.js';
import { InstitutionEntity } from '../institutions/institution.entity.js';
import { RegionEntity } from '../regions/region.entity.js';
import { UserEntity } from '../users/user.entity.js';

/**
 * Every TypeORM entity of the service, listed explicitly (no globs) so the
 * same list works in the compiled app, the migration CLI and Jest's ESM mode.
 */
export const ENTITIES: Function[] = [AuditEventEntity, InstitutionEntity, RegionEntity, UserEntity];
