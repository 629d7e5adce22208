import type { MeterProvider } from '@opentelemetry/api';

export interface PoolMetricsOptions {
  /**
   * Where the instruments come from. Default: the global provider of `@opentelemetry/api`,
   * a no-op until the app registers a metrics SDK; register it before this module is created.
   */
  meterProvider?: MeterProvider;
  /** The meter's (instrumentation scope's) name. Default `nestjs-pool`. */
  meterName?: string;
}
