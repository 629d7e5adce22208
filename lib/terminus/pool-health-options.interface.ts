/** Thresholds past which `PoolHealthIndicator.isHealthy` reports the pool down. */
export interface PoolHealthOptions {
  /** Down when more clients than this wait for a worker. */
  maxWaiting?: number;
  /** Down when fewer workers than this are idle. */
  minIdle?: number;
}
