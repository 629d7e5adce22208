import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { PoolHealthIndicator } from 'nestjs-pool/terminus';
import { HASH_POOL, QUOTES_POOL, REPORTS_POOL } from '../pools.constants.js';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly pools: PoolHealthIndicator,
  ) {}

  /** Down when a pool failed, is shutting down or has no live worker; degraded when full with a queue. */
  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.pools.isHealthy(QUOTES_POOL, { maxWaiting: 50 }),
      () => this.pools.isHealthy(REPORTS_POOL, { maxWaiting: 50 }),
      () => this.pools.isHealthy(HASH_POOL, { maxWaiting: 50 }),
    ]);
  }
}
