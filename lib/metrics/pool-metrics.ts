import {
  metrics,
  type Attributes,
  type BatchObservableCallback,
  type Counter,
  type Histogram,
  type Meter,
  type ObservableUpDownCounter,
} from '@opentelemetry/api';
import type { DestroyReason, Lease, Pool, PoolRegistry } from '../core/index.js';
import { PoolRegistryWatcher } from '../observer/pool-registry-watcher.js';
import type { PoolMetricsOptions } from './pool-metrics-options.interface.js';
import {
  ATTR_POOL_NAME,
  ATTR_POOL_WORKER_EXIT_REASON,
  ATTR_POOL_WORKER_STATE,
  DURATION_BUCKETS,
  METRIC_POOL_WORKER_ABORTS,
  METRIC_POOL_WORKER_CHECKOUTS,
  METRIC_POOL_WORKER_COUNT,
  METRIC_POOL_WORKER_EXITS,
  METRIC_POOL_WORKER_MAX,
  METRIC_POOL_WORKER_OVERFLOW,
  METRIC_POOL_WORKER_PENDING_REQUESTS,
  METRIC_POOL_WORKER_RESTARTS,
  METRIC_POOL_WORKER_TIMEOUTS,
  METRIC_POOL_WORKER_USE_TIME,
  METRIC_POOL_WORKER_WAIT_TIME,
} from './pool-metrics.constants.js';

/** Attribute sets made once per pool: recording allocates nothing. */
interface PoolAttributes {
  pool: Attributes;
  idle: Attributes;
  busy: Attributes;
  starting: Attributes;
  exits: Map<DestroyReason, Attributes>;
}

/**
 * OpenTelemetry metrics for every pool of a `PoolRegistry`. Gauges read `status()` when the
 * reader collects, so they are exact; counters and histograms come from the pools' events,
 * from the moment a pool is registered (or this object is created, for pools already there).
 */
export class PoolMetrics {
  readonly #meter: Meter;
  readonly #watcher: PoolRegistryWatcher;
  readonly #attributes = new Map<Pool<unknown>, PoolAttributes>();
  readonly #gauges: ObservableUpDownCounter[];
  readonly #workers: ObservableUpDownCounter;
  readonly #overflow: ObservableUpDownCounter;
  readonly #max: ObservableUpDownCounter;
  readonly #pending: ObservableUpDownCounter;
  readonly #checkouts: Counter;
  readonly #timeouts: Counter;
  readonly #aborts: Counter;
  readonly #exits: Counter;
  readonly #restarts: Counter;
  readonly #waitTime: Histogram;
  readonly #useTime: Histogram;

  constructor(registry: PoolRegistry, options: PoolMetricsOptions = {}) {
    const meter = (this.#meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(options.meterName ?? 'nestjs-pool'));
    this.#workers = meter.createObservableUpDownCounter(METRIC_POOL_WORKER_COUNT, { unit: '{worker}', description: 'Workers by state' });
    this.#overflow = meter.createObservableUpDownCounter(METRIC_POOL_WORKER_OVERFLOW, { unit: '{worker}', description: 'Workers beyond size, counting those being started' });
    this.#max = meter.createObservableUpDownCounter(METRIC_POOL_WORKER_MAX, { unit: '{worker}', description: 'The most workers the pool may have: size + maxOverflow' });
    this.#pending = meter.createObservableUpDownCounter(METRIC_POOL_WORKER_PENDING_REQUESTS, { unit: '{request}', description: 'Clients queued for a worker' });
    this.#gauges = [this.#workers, this.#overflow, this.#max, this.#pending];
    this.#checkouts = meter.createCounter(METRIC_POOL_WORKER_CHECKOUTS, { unit: '{checkout}', description: 'Workers lent' });
    this.#timeouts = meter.createCounter(METRIC_POOL_WORKER_TIMEOUTS, { unit: '{timeout}', description: 'Queued clients that timed out' });
    this.#aborts = meter.createCounter(METRIC_POOL_WORKER_ABORTS, { unit: '{abort}', description: 'Queued clients whose signal aborted' });
    this.#exits = meter.createCounter(METRIC_POOL_WORKER_EXITS, { unit: '{worker}', description: 'Workers destroyed, by reason' });
    this.#restarts = meter.createCounter(METRIC_POOL_WORKER_RESTARTS, { unit: '{restart}', description: 'Dead workers and failed creates replaced' });
    const advice = { explicitBucketBoundaries: DURATION_BUCKETS };
    this.#waitTime = meter.createHistogram(METRIC_POOL_WORKER_WAIT_TIME, { unit: 's', description: 'Time a checkout waited for a worker', advice });
    this.#useTime = meter.createHistogram(METRIC_POOL_WORKER_USE_TIME, { unit: 's', description: 'Time a worker was held', advice });
    meter.addBatchObservableCallback(this.#observe, this.#gauges);
    this.#watcher = new PoolRegistryWatcher(registry, (pool) => this.#instrument(pool));
  }

  /** Stops listening to the pools and reporting their gauges. */
  close(): void {
    this.#meter.removeBatchObservableCallback(this.#observe, this.#gauges);
    this.#watcher.close();
  }

  readonly #observe: BatchObservableCallback = (result) => {
    for (const pool of this.#watcher.pools) {
      const attributes = this.#attributes.get(pool)!;
      const status = pool.status();
      result.observe(this.#workers, status.idle, attributes.idle);
      result.observe(this.#workers, status.busy, attributes.busy);
      result.observe(this.#workers, status.starting, attributes.starting);
      result.observe(this.#overflow, status.overflow, attributes.pool);
      result.observe(this.#max, status.size + status.maxOverflow, attributes.pool);
      result.observe(this.#pending, status.waiting, attributes.pool);
    }
  };

  #instrument(pool: Pool<unknown>): () => void {
    const name = pool.name;
    const attributes: PoolAttributes = {
      pool: { [ATTR_POOL_NAME]: name },
      idle: { [ATTR_POOL_NAME]: name, [ATTR_POOL_WORKER_STATE]: 'idle' },
      busy: { [ATTR_POOL_NAME]: name, [ATTR_POOL_WORKER_STATE]: 'busy' },
      starting: { [ATTR_POOL_NAME]: name, [ATTR_POOL_WORKER_STATE]: 'starting' },
      exits: new Map(),
    };
    const poolAttributes = attributes.pool;
    this.#attributes.set(pool, attributes);

    // When each worker's lease began; a lease granted before the pool was instrumented is not timed.
    const heldSince = new Map<number, number>();
    const onCheckout = (lease: Lease<unknown>, waited: number): void => {
      heldSince.set(lease.workerId, performance.now());
      this.#checkouts.add(1, poolAttributes);
      this.#waitTime.record(waited / 1000, poolAttributes);
    };
    /** A lease ends at checkin, or when its worker dies while held (no checkin then). */
    const onLeaseEnd = (workerId: number): void => {
      const since = heldSince.get(workerId);
      if (since === undefined) return;
      heldSince.delete(workerId);
      this.#useTime.record((performance.now() - since) / 1000, poolAttributes);
    };
    const onCheckin = (lease: Lease<unknown>): void => onLeaseEnd(lease.workerId);
    const onTimeout = (): void => this.#timeouts.add(1, poolAttributes);
    const onAbort = (): void => this.#aborts.add(1, poolAttributes);
    const onRestart = (): void => this.#restarts.add(1, poolAttributes);
    const onExit = (workerId: number, reason: DestroyReason): void => {
      onLeaseEnd(workerId);
      let exit = attributes.exits.get(reason);
      if (exit === undefined) attributes.exits.set(reason, (exit = { ...poolAttributes, [ATTR_POOL_WORKER_EXIT_REASON]: reason }));
      this.#exits.add(1, exit);
    };
    pool.on('checkout', onCheckout);
    pool.on('checkin', onCheckin);
    pool.on('timeout', onTimeout);
    pool.on('abort', onAbort);
    pool.on('workerRestart', onRestart);
    pool.on('workerExit', onExit);
    return () => {
      pool.off('checkout', onCheckout);
      pool.off('checkin', onCheckin);
      pool.off('timeout', onTimeout);
      pool.off('abort', onAbort);
      pool.off('workerRestart', onRestart);
      pool.off('workerExit', onExit);
      this.#attributes.delete(pool);
    };
  }
}
