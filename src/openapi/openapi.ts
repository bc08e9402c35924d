import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import { MAX_PAGE_SIZE } from '../common/pagination.js';
import { QUERY_VALUE_MAX } from '../common/problem/nul-guard.middleware.js';
import { documentIdempotency } from '../idempotency/idempotency.openapi.js';

type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;
type ResponseObject = { description: string; content?: Record<string, unknown>; headers?: Record<string, unknown> };
type ParameterObject = { name: string; in: string; schema?: unknown };
/** The parts of a JSON schema this file reads and writes. */
type SchemaObject = {
  type?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  maxLength?: number;
  minLength?: number;
  maxItems?: number;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  items?: unknown;
  properties?: Record<string, unknown>;
  [key: string]: unknown;
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** Limits of what the service answers (not enforced on input: input limits come from the validation decorators). */
export const RESPONSE_LIMITS = { text: 1_000_000, array: 100_000 } as const;

/** String lengths by format: what the format allows, so the bound is exact. */
const FORMAT_MAX_LENGTH: Record<string, number> = {
  uuid: 36,
  date: 10,
  'date-time': 35,
  email: 254,
  uri: 2048,
  binary: 1024 * 1024 * 1024,
};

/**
 * The API description served at /api/docs-json, complete enough for the tools
 * an API consumer runs (Redocly `recommended`, Spectral `oas` + OWASP): every
 * operation with a summary, an operationId and tags; the server; the limits of
 * every string and array taken from the validation decorators (ONE source for
 * the check and its description); the error responses as problem+json; the
 * rate-limit headers on every answer and 429 where the limit applies.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Paicha API')
      .setDescription(
        'Hazard investigation (排查) for civil-affairs service institutions. Errors are RFC 9457 ' +
          '`application/problem+json`; `type` is `about:blank` for plain HTTP errors and ' +
          '`urn:paicha:problem:<code>` for domain errors. Every response carries the IETF `RateLimit-*` headers.',
      )
      .setVersion('1')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'An access token from POST /api/v1/auth/login: a JWS signed with HS256 by the service, conforming to RFC8725 ' +
          '(the algorithm is fixed on verification, `none` and other algorithms are refused; `exp` is always checked).',
      })
      .build(),
  );
  documentIdempotency(document);
  // the deployment that serves this document, whatever its environment; a public API (x-internal: false)
  document.servers = [
    { url: '/', description: 'This deployment (local, staging or production alike): same origin', 'x-internal': false } as never,
  ];
  const schemas = (document.components!.schemas ??= {}) as Record<string, SchemaObject>;
  schemas.Problem = PROBLEM_SCHEMA;
  applyValidationLimits(schemas);
  const tags = new Set<string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      for (const tag of operation.tags ?? []) tags.add(tag);
      completeOperation(path, method, operation);
    }
  }
  document.tags = [...tags].sort().map((name) => ({ name, description: `${name} operations` }));
  boundSchemas(document);
  return document;
}

const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'RFC 9457 problem details; domain problems may add members (e.g. `missing`, `errors`).',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', maxLength: 200, example: 'urn:paicha:problem:finding_wrong_state' },
    title: { type: 'string', maxLength: 200 },
    status: { type: 'integer', format: 'int32', minimum: 400, maximum: 599 },
    detail: { type: 'string', maxLength: RESPONSE_LIMITS.text },
    errors: {
      type: 'array',
      maxItems: RESPONSE_LIMITS.array,
      items: {
        type: 'object',
        properties: { field: { type: 'string', maxLength: 1000 }, message: { type: 'string', maxLength: 1000 } },
      },
    },
  },
  additionalProperties: true,
};

const INT32_MAX = 2_147_483_647;

const RATE_LIMIT_HEADERS = {
  'Access-Control-Allow-Origin': {
    description: 'Sent to a browser whose Origin is in CORS_ORIGINS (CORS is closed by default)',
    schema: { type: 'string', maxLength: 2048 },
  },
  'RateLimit-Limit': {
    description: 'Requests allowed per client and minute',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 1_000_000 },
  },
  'RateLimit-Remaining': {
    description: 'Requests left in the current minute',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 1_000_000 },
  },
  'RateLimit-Reset': {
    description: 'Seconds until the window starts again',
    schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 60 },
  },
};

const RESPONSE_DESCRIPTIONS: Record<string, string> = {
  '304': 'Not modified: If-None-Match names the current ETag',
  '400': 'Malformed or invalid input (problem+json names the fields); nothing changed',
  '401': 'Missing, invalid or expired access token',
  '403': 'Known actor without the permission',
  '404': 'Unknown id, or an object outside your scope',
  '413': 'Body or upload too large',
  '415': 'Unsupported upload type (the bytes are sniffed, not the name)',
  '429': 'Too many requests from this client in a minute (see Retry-After)',
  '500': 'A bug: bad input never produces one',
  '503': 'The database (or the file store) cannot be reached; nothing changed, retry later',
};

function completeOperation(path: string, method: string, operation: OperationObject): void {
  const anonymous = operation.security !== undefined && operation.security.every((s: object) => Object.keys(s).length === 0);
  // anonymous access, said explicitly (OAS: an empty requirement object)
  if (anonymous) operation.security = [{}];
  const parameters = (operation.parameters ?? []) as ParameterObject[];
  // an id or code that names an object: unknown or outside your scope is 404
  const namesObject = path.includes('{') || parameters.some((p) => p.in === 'query' && /(Id|Code)$/.test(p.name));
  const body = operation.requestBody as { content?: Record<string, unknown> } | undefined;
  const upload = body?.content?.['multipart/form-data'] !== undefined;
  const wanted = [
    // every GET answer carries an ETag: a browser revalidates with If-None-Match
    ...(method === 'get' ? ['304'] : []),
    // unknown query parameters are refused, so any operation may answer 400
    '400',
    '429',
    '500',
    '503',
    ...(anonymous ? [] : ['401', '403']),
    ...(namesObject ? ['404'] : []),
    ...(body ? ['413'] : []),
    ...(upload ? ['415'] : []),
  ];
  for (const status of wanted) operation.responses[status] ??= { description: RESPONSE_DESCRIPTIONS[status] };
  for (const [status, response] of Object.entries(operation.responses) as [string, ResponseObject][]) {
    if (/^[45]/.test(status) && !response.content) {
      response.content = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
    }
    if (/^[24]/.test(status)) response.headers = { ...RATE_LIMIT_HEADERS, ...response.headers };
    if (status === '429')
      response.headers = {
        ...response.headers,
        'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 3600 } },
      };
  }
  for (const parameter of parameters) {
    const schema = parameter.schema as SchemaObject | undefined;
    if (!schema || schema.type !== 'string' || schema.enum || schema.maxLength !== undefined) continue;
    if (parameter.in === 'path' && parameter.name === 'id') Object.assign(schema, { format: 'uuid', maxLength: 36 });
    else schema.maxLength = schema.format && FORMAT_MAX_LENGTH[schema.format] ? FORMAT_MAX_LENGTH[schema.format] : QUERY_VALUE_MAX;
  }
}

/** Copies the class-validator limits of each request DTO into its schema (the schema is named after the class). */
function applyValidationLimits(schemas: Record<string, SchemaObject>): void {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<{ name: string }, ValidationMetadata[]> };
  for (const [target, metadatas] of storage.validationMetadatas) {
    const schema = schemas[target.name];
    if (!schema?.properties) continue;
    for (const m of metadatas) {
      const property = schema.properties[m.propertyName] as SchemaObject | undefined;
      if (!property || '$ref' in property) continue;
      const value = property.type === 'array' && m.each ? ((property.items ??= {}) as SchemaObject) : property;
      const [a, b] = (m.constraints ?? []) as number[];
      switch (m.name) {
        case 'maxLength':
          value.maxLength = a;
          break;
        case 'minLength':
          value.minLength = a;
          break;
        case 'isLength':
          value.minLength = a;
          if (b !== undefined) value.maxLength = b;
          break;
        case 'arrayMaxSize':
          property.maxItems = a;
          break;
        case 'arrayMinSize':
          property.minItems = a;
          break;
        case 'min':
          value.minimum = a;
          break;
        case 'max':
          value.maximum = a;
          break;
        case 'isUuid':
          Object.assign(value, { format: 'uuid', maxLength: 36 });
          break;
      }
    }
  }
}

interface ValidationMetadata {
  name?: string;
  propertyName: string;
  constraints?: unknown[];
  each?: boolean;
}

/** Whatever is still unbounded after the validation limits: by format, a page's items by the page size, the rest by the response limits. */
function boundSchemas(document: OpenAPIObject): void {
  const visit = (node: unknown, pageItems = false): void => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n));
    if (!node || typeof node !== 'object') return;
    const schema = node as SchemaObject & Record<string, unknown>;
    if (schema.type === 'string' && schema.maxLength === undefined && !schema.enum && schema.const === undefined) {
      schema.maxLength = (schema.format && FORMAT_MAX_LENGTH[schema.format]) || RESPONSE_LIMITS.text;
    }
    // OAS 3.0: a nullable enum lists null among its values, or validators refuse the null it allows
    if (schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
    if (schema.type === 'integer') {
      schema.minimum ??= 0;
      schema.maximum ??= INT32_MAX;
      schema.format ??= (schema.maximum as number) <= INT32_MAX && (schema.minimum as number) >= -INT32_MAX - 1 ? 'int32' : 'int64';
    }
    if (schema.type === 'array' && schema.maxItems === undefined) schema.maxItems = pageItems ? MAX_PAGE_SIZE : RESPONSE_LIMITS.array;
    const isPage = !!schema.properties && ['items', 'total', 'page', 'pageSize'].every((k) => k in schema.properties!);
    for (const [k, v] of Object.entries(schema)) {
      if (k !== 'properties') visit(v);
      else for (const [name, property] of Object.entries(v as object)) visit(property, isPage && name === 'items');
    }
  };
  visit(document.components?.schemas);
  visit(document.paths);
}
