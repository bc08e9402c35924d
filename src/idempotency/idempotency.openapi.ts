import type { OpenAPIObject } from '@nestjs/swagger';
import { IDEMPOTENCY_KEY_HEADER, REPLAYED_HEADER } from './idempotency.interceptor.js';

const METHODS = ['post', 'put', 'patch'] as const;

/**
 * Documents the Idempotency-Key header, its replay header and its 409/422 on
 * every POST, PUT and PATCH that has an actor (the interceptor is global, so
 * the document is completed in one place rather than on each route). An
 * operation that declares `security: []` (login) has no actor and ignores the header.
 */
export function documentIdempotency(document: OpenAPIObject): OpenAPIObject {
  for (const path of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = path[method];
      if (!operation || operation.security?.every((s) => Object.keys(s).length === 0)) continue;
      operation.parameters = [
        ...(operation.parameters ?? []),
        {
          name: IDEMPOTENCY_KEY_HEADER,
          in: 'header',
          required: false,
          description:
            'Makes a retry safe: 1–128 printable ASCII characters, per user. The first request with a key is processed and its ' +
            `response (status < 500) kept for 24 hours; a repeat of the same request gets it again with \`${REPLAYED_HEADER}: true\`.`,
          schema: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[\\x20-\\x7E]+$' },
        },
      ];
      operation.responses = {
        ...operation.responses,
        '409': operation.responses['409'] ?? {
          description: 'Conflict, or the first request with this Idempotency-Key is still being processed',
        },
        '422': { description: 'This Idempotency-Key was already used for a different request (method, path, If-Match or body)' },
      };
    }
  }
  return document;
}
