import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { PoolConfigError, PoolRegistry, type PoolStatus } from '../core/index.js';
import type { PoolHealthOptions } from './pool-health-options.interface.js';

/** What a pool's health reports besides its status; never anything about the workers themselves. */
export type PoolHealthData = {
  state: PoolStatus['state'];
  workers: number;
  idle: number;
  busy: number;
  overflow: number;
  waiting: number;
  restarts: number;
};

/**
 * A Terminus health indicator for the pools of `PoolRegistry`. It never throws for a pool's
 * condition: an unknown, failed, closing or starved pool is reported `down` with a `reason`.
 *
 * ```ts
 * @Get('health') @HealthCheck()
 * check() { return this.health.check([() => this.pools.isHealthy('db', { maxWaiting: 50 })]); }
 * ```
 */
@Injectable()
export class PoolHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly registry: PoolRegistry,
  ) {}

  /**
   * The health of pool `name`, under that key: `up` with its counters; `degraded` when it is
   * `full` with clients waiting (Terminus 12; Terminus 11 has no degraded and reports `up`);
   * `down` when it is not registered, failed, starting, draining or stopped, has no live worker
   * although its size asks for some, or passes `maxWaiting` / `minIdle`.
   */
  isHealthy<const Key extends string>(name: Key, options: PoolHealthOptions = {}): HealthIndicatorResult<Key> {
    const { maxWaiting, minIdle } = options;
    assertThreshold(name, 'maxWaiting', maxWaiting);
    assertThreshold(name, 'minIdle', minIdle);
    const check = this.health.check(name);
    if (!this.registry.has(name)) return check.down({ reason: `no pool named "${name}" is registered` });

    const status = this.registry.get(name).status();
    const data: PoolHealthData = {
      state: status.state,
      workers: status.workers,
      idle: status.idle,
      busy: status.busy,
      overflow: status.overflow,
      waiting: status.waiting,
      restarts: status.restarts,
    };
    const down = (reason: string): HealthIndicatorResult<Key> => check.down({ ...data, reason });
    switch (status.state) {
      case 'failed':
        return down('the pool failed: it could not start its workers, or they died past its restart limit');
      case 'starting':
      case 'draining':
      case 'stopped':
        return down(`the pool is ${status.state}`);
    }
    if (status.workers === 0 && status.size > 0) {
      return down(`no live worker (size ${status.size}, ${status.starting} starting)`);
    }
    if (maxWaiting !== undefined && status.waiting > maxWaiting) {
      return down(`${status.waiting} clients wait for a worker, more than maxWaiting (${maxWaiting})`);
    }
    if (minIdle !== undefined && status.idle < minIdle) {
      return down(`${status.idle} idle workers, fewer than minIdle (${minIdle})`);
    }
    if (status.state === 'full' && status.waiting > 0) {
      const reason = `full: ${status.waiting} clients wait for a worker`;
      // `degraded` came with Terminus 12; on 11 a full pool that still serves is up.
      return typeof check.degraded === 'function' ? check.degraded({ ...data, reason }) : check.up({ ...data, reason });
    }
    return check.up(data);
  }
}

/** A bad threshold is a programming error, not a pool condition: it throws rather than reporting down. */
function assertThreshold(pool: string, option: keyof PoolHealthOptions, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
    throw new PoolConfigError(pool, option, `of isHealthy() must be an integer >= 0, got ${String(value)}`);
  }
}
