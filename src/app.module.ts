import { Module, type DynamicModule } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { RuntimeConfig } from './config/config.js';
import { APP_CONFIG } from './config/config.module.js';
import { CryptoModule } from './crypto/crypto.module.js';
import { DatabaseModule } from './database/database.module.js';
import { databaseSsl } from './database/ssl.js';
import { AttachmentsModule } from './attachments/attachments.module.js';
import { AuditModule } from './audit/audit.module.js';
import { CalendarModule } from './calendar/calendar.module.js';
import { DocumentsModule } from './documents/documents.module.js';
import { DeadlinesModule } from './deadlines/deadlines.module.js';
import { DrawsModule } from './draws/draws.module.js';
import { DemoModule } from './demo/demo.module.js';
import { FindingsModule } from './findings/findings.module.js';
import { OfflineModule } from './offline/offline.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { InspectionsModule } from './inspections/inspections.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { RoundsModule } from './rounds/rounds.module.js';
import { TemplatesModule } from './templates/templates.module.js';
import { AuthModule } from './auth/auth.module.js';
import { Transactions } from './common/transactions.js';
import { HealthModule } from './health/health.module.js';
import { IdempotencyModule } from './idempotency/idempotency.module.js';
import { InstitutionsModule } from './institutions/institutions.module.js';
import { RegionsModule } from './regions/regions.module.js';
import { UsersModule } from './users/users.module.js';

export interface AppModuleOptions {
  config: RuntimeConfig;
  /** The database actually used: DATABASE_URL, or the embedded server's URL. */
  databaseUrl: string;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const { config } = options;
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            genReqId: (req: IncomingMessage, res) => {
              const given = req.headers['x-request-id'];
              const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
              res.setHeader('X-Request-Id', id);
              return id;
            },
            customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
            serializers: {
              req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
                id: req.id,
                method: req.method,
                url: redactQuery(req.url),
                remoteAddress: req.remoteAddress,
              }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
            autoLogging: { ignore: (req) => req.url === '/health' },
          },
        }),
        DatabaseModule.forRoot({ url: options.databaseUrl, ssl: databaseSsl(config) }),
        CryptoModule,
        HealthModule,
        IdempotencyModule,
        AuditModule,
        RegionsModule,
        InstitutionsModule,
        UsersModule,
        AuthModule,
        TemplatesModule,
        RoundsModule,
        DrawsModule,
        AttachmentsModule,
        InspectionsModule,
        FindingsModule,
        CalendarModule,
        DocumentsModule,
        NotificationsModule,
        DeadlinesModule,
        ReportsModule,
        OfflineModule,
        DemoModule,
      ],
      providers: [{ provide: APP_CONFIG, useValue: config }, Transactions],
      exports: [APP_CONFIG, Transactions],
    };
  }
}

/** Query parameters whose values are personal data (a phone searched for): the log shows that they were given, not what. */
const PERSONAL_QUERY = /([?&](?:phone)=)[^&#]*/gi;

export function redactQuery(url: string): string {
  return url.replace(PERSONAL_QUERY, '$1[redacted]');
}
