import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DatabaseSsl } from '../config/config.js';
import { createDataSource } from './data-source.js';
import { runMigrationsLocked } from './migrate.js';
import { DatabaseTlsError, explainConnectError } from './ssl.js';

export interface DatabaseModuleOptions {
  url: string;
  ssl?: DatabaseSsl;
  poolSize?: number;
}

/** TypeORM on the given PostgreSQL; pending migrations run at boot under an advisory lock. */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          // wrong TLS settings or certificates stop the boot at once: retrying cannot fix them
          useFactory: () => ({ toRetry: (error: unknown) => !(error instanceof DatabaseTlsError) }),
          dataSourceFactory: async () => {
            const dataSource = createDataSource({ url: options.url, ssl: options.ssl, poolSize: options.poolSize });
            await dataSource.initialize().catch((error: unknown) => {
              throw explainConnectError(error, options.ssl ?? { mode: 'disable' });
            });
            const applied = await runMigrationsLocked(dataSource);
            if (applied.length > 0) {
              new Logger('Database').log(`applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
            }
            return dataSource;
          },
        }),
      ],
    };
  }
}
