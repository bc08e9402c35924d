import { AttachmentError } from '../../attachments/attachments.errors.js';
import { AuthError } from '../../auth/auth.errors.js';
import { FindingError } from '../../findings/findings.errors.js';
import { IdempotencyError } from '../../idempotency/idempotency.errors.js';
import { InspectionError } from '../../inspections/inspections.errors.js';
import { ReportError } from '../../reports/reports.errors.js';
import { RoundError } from '../../rounds/rounds.errors.js';
import { TemplateError } from '../../templates/templates.errors.js';
import { InstitutionError } from '../../institutions/institutions.errors.js';
import { RegionError } from '../../regions/regions.errors.js';
import { UserError } from '../../users/users.errors.js';

/**
 * Error codes of the domain, one small enum per feature. A new enum joins the
 * `ErrorCode` union and gets its statuses in `problemForCode` below: the switch
 * is exhaustive, so a code without a mapping does not compile.
 */
export enum CommonError {
  NotFound = 'not_found',
  StaleVersion = 'stale_version',
  ServiceUnavailable = 'service_unavailable',
  UploadTooLarge = 'upload_too_large',
  UnsupportedMediaType = 'unsupported_media_type',
  MissingFile = 'missing_file',
  RateLimited = 'rate_limited',
}

export type ErrorCode =
  | CommonError
  | AuthError
  | RegionError
  | UserError
  | InstitutionError
  | TemplateError
  | RoundError
  | InspectionError
  | FindingError
  | AttachmentError
  | ReportError
  | IdempotencyError;

export class DomainException extends Error {
  constructor(
    readonly code: ErrorCode,
    detail: string,
    /** Extension members added to the problem body. */
    readonly extensions: Record<string, unknown> = {},
    /** Response headers that belong to the problem (Retry-After, Allow). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'DomainException';
  }
}

export function statusForCode(code: ErrorCode): number {
  switch (code) {
    case CommonError.NotFound:
      return 404;
    case CommonError.StaleVersion:
      return 409;
    case CommonError.ServiceUnavailable:
    case AttachmentError.StorageUnavailable:
      return 503;
    case CommonError.UploadTooLarge:
      return 413;
    case CommonError.UnsupportedMediaType:
      return 415;
    case CommonError.MissingFile:
      return 400;
    case CommonError.RateLimited:
      return 429;
    case AuthError.InvalidCredentials:
    case AuthError.InvalidToken:
      return 401;
    case AuthError.MissingPermission:
    case AuthError.UndeclaredRoute:
    case UserError.ForbiddenRole:
    case UserError.OutOfScope:
    case InstitutionError.RegionOutOfScope:
    case RoundError.RegionOutOfScope:
    case InspectionError.NotYours:
    case FindingError.OwnRectification:
      return 403;
    case RegionError.NotFound:
    case UserError.NotFound:
    case InstitutionError.NotFound:
    case TemplateError.NotFound:
    case RoundError.NotFound:
    case InspectionError.NotFound:
    case FindingError.NotFound:
    case AttachmentError.NotFound:
    case ReportError.RegionNotFound:
      return 404;
    case RegionError.DuplicateCode:
    case UserError.DuplicateUsername:
    case UserError.SelfDeactivation:
    case InstitutionError.DuplicateCreditCode:
    case TemplateError.DuplicateCode:
    case RoundError.WrongState:
    case InspectionError.WrongState:
    case InspectionError.StaleVersion:
    case InspectionError.Incomplete:
    case InspectionError.PhotoRequired:
    case FindingError.WrongState:
    case IdempotencyError.InFlight:
      return 409;
    case IdempotencyError.KeyReused:
      return 422;
    case AttachmentError.UnsupportedType:
      return 415;
    case RegionError.InvalidParent:
    case RegionError.UnknownProvince:
    case UserError.InvalidScope:
    case InstitutionError.UnknownRegion:
    case InstitutionError.InvalidCsv:
    case TemplateError.InvalidContent:
    case RoundError.InvalidRound:
    case InspectionError.InvalidAnswer:
    case InspectionError.InvalidAssignee:
    case FindingError.InvalidRequest:
    case ReportError.InvalidRequest:
      return 400;
    default:
      return assertNever(code);
  }
}

export function problemType(code: ErrorCode): string {
  return `urn:paicha:problem:${code}`;
}

function assertNever(value: never): never {
  throw new Error(`Unmapped error code: ${String(value)}`);
}
