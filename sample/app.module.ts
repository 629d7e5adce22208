import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { PoolModule } from 'nestjs-pool';
import { PoolObserverModule } from 'nestjs-pool/observer';
import { PoolErrorFilter } from './common/pool-error.filter.js';
import { AppConfigModule } from './config/app-config.module.js';
import { HashingModule } from './hashing/hashing.module.js';
import { HealthModule } from './health/health.module.js';
import { PoolsModule } from './pools/pools.module.js';
import { QUOTES_POOL } from './pools.constants.js';
import { QuotesModule } from './quotes/quotes.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { UpstreamModule } from './upstream/upstream.module.js';
import { UpstreamClient } from './upstream/upstream-client.worker.js';

/**
 * The upstream accepts UPSTREAM_CONCURRENCY (4) calls at once. The quotes pool may use up to
 * 3 sessions (2 + 1 overflow) and the reports pool 1, so together they never go past it, and
 * quotes, the important traffic, get three times the capacity of reports.
 */
@Module({
  imports: [
    PoolModule.forRoot({
      isGlobal: true,
      shutdownTimeout: 10_000,
      defaults: { checkoutTimeout: 2_000, maxWaiting: 100 },
      pools: [{ name: QUOTES_POOL, worker: UpstreamClient, imports: [UpstreamModule], size: 2, maxOverflow: 1 }],
    }),
    AppConfigModule,
    UpstreamModule,
    QuotesModule,
    ReportsModule,
    HashingModule,
    PoolsModule,
    HealthModule,
    // Live view of every pool at /pool-observer/ui (JSON at /pool-observer); off with POOL_OBSERVER=off.
    PoolObserverModule.forRoot({ enabled: process.env.POOL_OBSERVER !== 'off' }),
  ],
  providers: [{ provide: APP_FILTER, useClass: PoolErrorFilter }],
})
export class AppModule {}
