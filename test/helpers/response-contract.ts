import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { NextFunction, Request, Response } from 'express';
import { createOpenApiDocument } from '../../src/openapi/openapi.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const CAPTURE_LIMIT = 8 * 1024 * 1024;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/**
 * OpenAPI 3.0's `nullable: true` as JSON Schema (what ajv reads): the schema,
 * or null — also where the schema is an `allOf` of a `$ref`, the usual way to
 * say "this object or null" in 3.0 (the conversion openapi-schema-to-json-schema makes).
 */
export function nullableToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableToJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const converted = Object.fromEntries(
    Object.entries(rest).map(([k, v]) => [k, k === 'enum' || k === 'example' ? v : nullableToJsonSchema(v)]),
  );
  if (nullable !== true) return converted;
  if (Array.isArray(converted.enum) && !converted.enum.includes(null)) converted.enum = [...converted.enum, null];
  return { anyOf: [converted, { type: 'null' }] };
}

/**
 * Every answer of the app checked against the OpenAPI description it serves:
 * the status must be documented for the operation, and a JSON body must match
 * the documented schema (ajv). Installed by createTestApp on every e2e app, so
 * the description cannot drift from the code; a spec fails at close when a
 * response broke it (see TestApp.close).
 */
export class ResponseContract {
  readonly violations: string[] = [];
  /** Responses matched to a documented operation and checked. */
  checked = 0;
  private routes?: Route[];
  private readonly ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor() {
    addFormats(this.ajv);
    this.ajv.addFormat('binary', true);
    this.ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** 31 });
    this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  }

  /** Reads the description once the app is initialised. */
  load(app: INestApplication, ignoreControllers: string[] = []): void {
    const document: OpenAPIObject = createOpenApiDocument(app);
    this.ajv.addSchema({ components: nullableToJsonSchema(document.components) }, 'doc');
    this.routes = [];
    for (const [template, item] of Object.entries(document.paths)) {
      const pattern = new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);
      for (const method of METHODS) {
        const operation = item[method];
        if (operation && !ignoreControllers.some((c) => operation.operationId?.startsWith(`${c}_`)))
          this.routes.push({ method: method.toUpperCase(), template, pattern, responses: operation.responses as Route['responses'] });
      }
    }
  }

  middleware = (req: Request, res: Response, next: NextFunction): void => {
    const chunks: Buffer[] = [];
    let size = 0;
    const keep = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function' || size > CAPTURE_LIMIT) return;
      const buffer = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
      size += buffer.length;
      chunks.push(buffer);
    };
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      return write(chunk, ...rest);
    }) as Response['write'];
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      return end(chunk, ...rest);
    }) as Response['end'];
    res.on('finish', () => this.check(req, res, size > CAPTURE_LIMIT ? undefined : Buffer.concat(chunks)));
    next();
  };

  private check(req: Request, res: Response, body: Buffer | undefined): void {
    if (!this.routes || req.method === 'HEAD' || req.method === 'OPTIONS') return;
    const path = req.originalUrl.split('?')[0];
    const route = this.routes.find((r) => r.method === req.method && r.pattern.test(path));
    if (!route) return; // the UI, the docs, an unknown route (its 404/405 is the HTTP layer's)
    this.checked++;
    const where = `${req.method} ${route.template} → ${res.statusCode}`;
    const response = route.responses[String(res.statusCode)];
    if (!response) {
      this.violations.push(`${where}: status not documented (documented: ${Object.keys(route.responses).join(', ')})`);
      return;
    }
    const type = String(res.getHeader('content-type') ?? '')
      .split(';')[0]
      .trim();
    if (!/^application\/(problem\+)?json$/.test(type) || !body || body.length === 0) return;
    const schema = response.content?.[type]?.schema ?? response.content?.['application/json']?.schema;
    if (!schema) {
      this.violations.push(`${where}: a ${type} body where none is documented`);
      return;
    }
    const key = `${where} ${type}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(
        nullableToJsonSchema(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/'))) as object,
      );
      this.validators.set(key, validate);
    }
    let data: unknown;
    try {
      data = JSON.parse(body.toString('utf8'));
    } catch {
      this.violations.push(`${where}: ${type} body is not JSON`);
      return;
    }
    if (!validate(data)) {
      const [error] = validate.errors ?? [];
      this.violations.push(
        `${where}: ${error?.instancePath || '(body)'} ${error?.message ?? 'invalid'} ${JSON.stringify(error?.params ?? {})}`,
      );
    }
  }
}
