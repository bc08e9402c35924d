import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createDataSource } from './data-source.js';
import { runMigrationsLocked } from './migrate.js';

export interface DatabaseModuleOptions {
  url: string;
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
          useFactory: () => ({}),
          dataSourceFactory: async () => {
            const dataSource = createDataSource({ url: options.url, poolSize: options.poolSize });
            await dataSource.initialize();
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
