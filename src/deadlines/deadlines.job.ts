import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import cron, { type ScheduledTask } from 'node-cron';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { todayIn } from '../common/dates.js';
import { DEADLINES_JOB, DeadlinesService } from './deadlines.service.js';
import { PgRunCoordinator } from './pg-run-coordinator.js';

/**
 * Schedules the deadlines job on DEADLINES_CRON in TZ. node-cron's
 * distributed mode asks the PostgreSQL coordinator before each tick, so with
 * several instances each tick runs once in total; the tick's date in TZ is
 * the job's `asOf`.
 */
@Injectable()
export class DeadlinesJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DeadlinesJob');
  private task: ScheduledTask | undefined;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly deadlines: DeadlinesService,
  ) {}

  onApplicationBootstrap(): void {
    this.task = cron.schedule(
      this.config.deadlinesCron,
      async (context) => {
        const slot = context.date.toISOString();
        try {
          const result = await this.deadlines.run({ asOf: todayIn(this.config.timeZone, context.date), slot, actorId: null });
          this.logger.log(`deadlines job ${slot}: ${JSON.stringify(result)}`);
        } catch (error) {
          this.logger.error(`deadlines job ${slot} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
      {
        name: DEADLINES_JOB,
        timezone: this.config.timeZone,
        noOverlap: true,
        distributed: true,
        runCoordinator: new PgRunCoordinator(this.dataSource),
        unref: true,
      },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.destroy();
  }
}
