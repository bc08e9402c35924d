import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';

/**
 * The findings roll-ups count months in the report time zone, which the
 * database keeps in report_settings (the triggers read it there). At boot,
 * before the service answers, a TZ other than the one they were counted in
 * rebuilds them from the findings, in one transaction that holds writes to
 * findings back meanwhile.
 */
@Injectable()
export class ReportRollups implements OnModuleInit {
  private readonly logger = new Logger('Reports');

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.syncTimeZone();
  }

  /** Rebuilds the roll-ups when they were counted in another time zone; whether it did. */
  async syncTimeZone(): Promise<boolean> {
    const [row] = (await this.dataSource.query('SELECT time_zone FROM report_settings')) as { time_zone: string }[];
    if (row?.time_zone === this.config.timeZone) return false;
    const started = Date.now();
    await this.rebuild();
    this.logger.log(`report roll-ups recounted in ${this.config.timeZone} (were ${row?.time_zone}) in ${Date.now() - started} ms`);
    return true;
  }

  /** Every roll-up again from the findings, in the configured time zone. */
  async rebuild(): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      // a batch over every finding, not a request: the pool's 60 s statement_timeout does not apply
      await em.query('SET LOCAL statement_timeout = 0');
      await em.query('SELECT report_rollups_rebuild($1)', [this.config.timeZone]);
    });
  }
}
