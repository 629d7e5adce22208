import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { PoolRegistry } from '../core/index.js';
import type { PoolMetricsOptions } from './pool-metrics-options.interface.js';
import { PoolMetrics } from './pool-metrics.js';

/**
 * OpenTelemetry metrics for every pool of the application's `PoolRegistry`, module and
 * run-time pools alike. A no-op unless the app registers a metrics SDK (or passes `meterProvider`).
 */
@Module({})
export class PoolMetricsModule implements OnApplicationShutdown {
  constructor(private readonly metrics: PoolMetrics) {}

  static forRoot(options: PoolMetricsOptions = {}): DynamicModule {
    return {
      module: PoolMetricsModule,
      providers: [
        { provide: PoolMetrics, useFactory: (registry: PoolRegistry) => new PoolMetrics(registry, options), inject: [PoolRegistry] },
      ],
      exports: [PoolMetrics],
    };
  }

  /** Last: the pools have drained and their exits are counted. */
  onApplicationShutdown(): void {
    this.metrics.close();
  }
}
