import { AttachmentEntity } from '../attachments/attachment.entity.js';
import { AuditEventEntity } from '../audit/audit-event.entity.js';
import { DocumentCounterEntity, DocumentEntity, RegionDocumentSettingsEntity } from '../documents/document.entity.js';
import { DrawEntity } from '../draws/draw.entity.js';
import { RecusalEntity } from '../draws/recusal.entity.js';
import { RoundPublicationEntity } from '../draws/round-publication.entity.js';
import { LoginAttemptEntity } from '../auth/login-attempt.entity.js';
import { AuthSessionEntity } from '../auth/session.entity.js';
import { JobRunEntity } from '../deadlines/job-run.entity.js';
import { WebhookOutboxEntity } from '../notifications/webhook-outbox.entity.js';
import { FindingEventEntity } from '../findings/finding-event.entity.js';
import { FindingEntity } from '../findings/finding.entity.js';
import { IdempotencyKeyEntity } from '../idempotency/idempotency-key.entity.js';
import { AnswerEntity } from '../inspections/answer.entity.js';
import { InspectionEntity } from '../inspections/inspection.entity.js';
import { NotificationEntity } from '../notifications/notification.entity.js';
import { RegionChannelEntity } from '../notifications/channels/region-channel.entity.js';
import { RegionDigestEntity } from '../notifications/channels/region-digest.entity.js';
import { RoundEntity } from '../rounds/round.entity.js';
import { TemplateEntity } from '../templates/template.entity.js';
import { InstitutionEntity } from '../institutions/institution.entity.js';
import { RegionEntity } from '../regions/region.entity.js';
import { UserEntity } from '../users/user.entity.js';

/**
 * Every TypeORM entity of the service, listed explicitly (no globs) so the
 * same list works in the compiled app, the migration CLI and Jest's ESM mode.
 */
export const ENTITIES: Function[] = [
  AnswerEntity,
  AttachmentEntity,
  AuditEventEntity,
  DocumentCounterEntity,
  DocumentEntity,
  DrawEntity,
  FindingEntity,
  FindingEventEntity,
  IdempotencyKeyEntity,
  InspectionEntity,
  InstitutionEntity,
  JobRunEntity,
  LoginAttemptEntity,
  AuthSessionEntity,
  NotificationEntity,
  RegionDocumentSettingsEntity,
  RecusalEntity,
  RegionChannelEntity,
  RegionDigestEntity,
  RegionEntity,
  RoundEntity,
  RoundPublicationEntity,
  TemplateEntity,
  UserEntity,
  WebhookOutboxEntity,
];
