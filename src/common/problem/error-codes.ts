/**
 * The error codes of the domain and their HTTP status. Each feature owns its
 * codes in its `*.errors.ts`: an enum, `errorStatuses<TheEnum>({...})` (every
 * member needs a status, or it does not compile) and a declaration that adds
 * the enum to `ErrorCodes`. This file knows no feature.
 */

/** Extended by each feature (declaration merging): `interface ErrorCodes { finding: FindingError }`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ErrorCodes {}

export enum CommonError {
  NotFound = 'not_found',
  StaleVersion = 'stale_version',
  ServiceUnavailable = 'service_unavailable',
  UploadTooLarge = 'upload_too_large',
  UnsupportedMediaType = 'unsupported_media_type',
  MissingFile = 'missing_file',
  RateLimited = 'rate_limited',
}

export type ErrorCode = CommonError | ErrorCodes[keyof ErrorCodes];

const statuses = new Map<string, number>();

/** Registers a feature's codes with their statuses; the same code twice with two statuses is a startup error. */
export function errorStatuses<E extends string>(statusOf: Record<E, number>): Record<E, number> {
  for (const [code, status] of Object.entries<number>(statusOf)) {
    const known = statuses.get(code);
    if (known !== undefined && known !== status) throw new Error(`Error code ${code} registered with ${known} and ${status}`);
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new Error(`Error code ${code}: ${status} is not an error status`);
    statuses.set(code, status);
  }
  return statusOf;
}

errorStatuses<CommonError>({
  [CommonError.NotFound]: 404,
  [CommonError.StaleVersion]: 409,
  [CommonError.ServiceUnavailable]: 503,
  [CommonError.UploadTooLarge]: 413,
  [CommonError.UnsupportedMediaType]: 415,
  [CommonError.MissingFile]: 400,
  [CommonError.RateLimited]: 429,
});

export function statusForCode(code: ErrorCode): number {
  const status = statuses.get(code);
  if (status === undefined) throw new Error(`Unregistered error code: ${code}`);
  return status;
}

export function problemType(code: ErrorCode): string {
  return `urn:paicha:problem:${code}`;
}

/** Every registered code with its status (for the API description and tests). */
export function registeredErrorCodes(): ReadonlyMap<string, number> {
  return statuses;
}
