import { Logger as NestLogger, RequestMethod, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import { join } from 'node:path';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from './config/config.js';
import { APP_CONFIG } from './config/config.module.js';
import { SecurityNotices } from './notifications/security-notices.js';
import { bodyErrorsMiddleware } from './common/problem/body-errors.middleware.js';
import { nulGuardMiddleware } from './common/problem/nul-guard.middleware.js';
import { ProblemDetailsFilter } from './common/problem/problem-details.filter.js';
import { createValidationPipe } from './common/problem/validation.js';
import { routeMethodsLookup } from './common/route-methods.js';
import { createOpenApiDocument } from './openapi/openapi.js';
import { AuditService } from './audit/audit.service.js';
import type { Actor } from './access/actor.js';
import { RATE_LIMIT_HEADERS, rateLimitMiddleware } from './common/rate-limit.middleware.js';
import { createUiShell } from './shell/ui-shell.js';

export const API_PREFIX = 'api/v1';
export const UI_DIR = join(process.cwd(), 'ui');
export const JSON_BODY_LIMIT = 1024 * 1024;

/**
 * Everything that shapes the HTTP layer, in ONE place: main.ts and every test
 * call this on an app created with `{ bodyParser: false, bufferLogs: true }`.
 */
export function configureApp(app: INestApplication, options: { uiDir?: string } = {}): INestApplication {
  const config = app.get<AppConfig>(APP_CONFIG);
  const expressApp = app as NestExpressApplication;

  app.useLogger(app.get(Logger));
  expressApp.disable('x-powered-by');
  expressApp.set('query parser', 'simple');
  // behind a load balancer: which proxies' X-Forwarded-For names the client (logins, ADMIN_ALLOWED_CIDRS, the audit's ip)
  if (config.trustProxy !== undefined) expressApp.set('trust proxy', config.trustProxy);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // photos and downloads are shown through object URLs made from authorized fetches
          'img-src': ["'self'", 'data:', 'blob:'],
          'upgrade-insecure-requests': null,
        },
      },
    }),
  );
  // the thin UI: an offline app shell at /, no build step; API requests do not look for a file first
  // the sample spreadsheet of the checklist layout (templates/README.md), for bureaus to start from
  app.use('/downloads/sample-import.xlsx', (_req: express.Request, res: express.Response) =>
    res.download(join(process.cwd(), 'templates', 'sample-import.xlsx'), 'sample-import.xlsx'),
  );
  const ui = createUiShell(options.uiDir ?? UI_DIR).middleware;
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) =>
    req.url.startsWith(`/${API_PREFIX}/`) ? next() : ui(req, res, next),
  );
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Idempotency-Key', 'X-Request-Id'],
      exposedHeaders: [
        'X-Request-Id',
        'ETag',
        'Content-Disposition',
        'Location',
        'Idempotent-Replayed',
        'Retry-After',
        ...RATE_LIMIT_HEADERS,
      ],
    });
  }
  app.use([`/${API_PREFIX}/`, '/health'], rateLimitMiddleware(config.rateLimitPerMinute));
  app.use(express.json({ limit: JSON_BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  app.use(bodyErrorsMiddleware(JSON_BODY_LIMIT));
  app.use(nulGuardMiddleware);

  // /health, the verify pages of documents and /public/… (一公开) are for everyone, outside the API's base path
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      'health',
      { path: 'verify', method: RequestMethod.GET },
      { path: 'verify/:code', method: RequestMethod.GET },
      'public/rounds',
      'public/rounds/:id',
    ],
  });
  app.useGlobalPipes(createValidationPipe());
  const audit = app.get(AuditService);
  const notices = app.get(SecurityNotices);
  const refusals = new NestLogger('Refusals');
  app.useGlobalFilters(
    new ProblemDetailsFilter(routeMethodsLookup(expressApp), (req, problem) => {
      const actor = (req as express.Request & { actor?: Actor }).actor;
      if (!actor) return;
      // 等保 安全审计: every refusal (403) of a known actor is in the trail
      if (problem.status === 403) {
        void audit
          .recordRefusal(actor, req.method, req.originalUrl.split('?')[0], problem.type)
          .catch((error: unknown) => refusals.error(String(error)));
      }
      // 入侵防范: a burst of 403/404 from one account (probing other regions' ids) is told to the security admins
      void notices.refused(actor).catch((error: unknown) => refusals.error(String(error)));
    }),
  );

  const document = createOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return app;
}
