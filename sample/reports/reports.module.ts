import { Module } from '@nestjs/common';
import { PoolModule } from 'nestjs-pool';
import { AppConfig } from '../config/app-config.js';
import { AppConfigModule } from '../config/app-config.module.js';
import { REPORTS_POOL } from '../pools.constants.js';
import { UpstreamModule } from '../upstream/upstream.module.js';
import { UpstreamClient } from '../upstream/upstream-client.worker.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';

/**
 * Reports are less urgent than quotes: their pool is small, never overflows, and lets
 * requests wait longer. Its size comes from configuration, hence `forFeatureAsync`.
 */
@Module({
  imports: [
    PoolModule.forFeatureAsync([
      {
        name: REPORTS_POOL,
        // AppConfigModule for `inject`; UpstreamModule for what UpstreamClient injects.
        imports: [AppConfigModule, UpstreamModule],
        inject: [AppConfig],
        useFactory: (config: AppConfig) => ({
          worker: UpstreamClient,
          size: config.reportWorkers,
          maxOverflow: 0,
          checkoutTimeout: 30_000,
        }),
      },
    ]),
  ],
  controllers: [ReportsController],
  providers: [ReportsService],
})
export class ReportsModule {}
