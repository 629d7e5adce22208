/*
 * Instrument and attribute names, modelled on OpenTelemetry's semantic conventions for
 * connection pools (`db.client.connection.*`), with a worker where they have a connection.
 */

/** UpDownCounter {worker}: workers by `pool.worker.state` (`idle`, `busy`, `starting`). */
export const METRIC_POOL_WORKER_COUNT = 'pool.worker.count';
/** UpDownCounter {worker}: workers beyond `size`, counting those being started. */
export const METRIC_POOL_WORKER_OVERFLOW = 'pool.worker.overflow';
/** UpDownCounter {worker}: the most workers the pool may have, `size + maxOverflow`. */
export const METRIC_POOL_WORKER_MAX = 'pool.worker.max';
/** UpDownCounter {request}: clients queued for a worker. */
export const METRIC_POOL_WORKER_PENDING_REQUESTS = 'pool.worker.pending_requests';
/** Counter {checkout}: workers lent. */
export const METRIC_POOL_WORKER_CHECKOUTS = 'pool.worker.checkouts';
/** Counter {timeout}: queued clients that gave up after their checkout timeout. */
export const METRIC_POOL_WORKER_TIMEOUTS = 'pool.worker.timeouts';
/** Counter {abort}: queued clients whose signal aborted. */
export const METRIC_POOL_WORKER_ABORTS = 'pool.worker.aborts';
/** Counter {worker}: workers destroyed, by `pool.worker.exit.reason`. */
export const METRIC_POOL_WORKER_EXITS = 'pool.worker.exits';
/** Counter {restart}: dead workers and failed creates replaced. */
export const METRIC_POOL_WORKER_RESTARTS = 'pool.worker.restarts';
/** Histogram (s): time from checkout to grant; 0 when a worker was free. */
export const METRIC_POOL_WORKER_WAIT_TIME = 'pool.worker.wait_time';
/** Histogram (s): time from grant to checkin (or the worker's death): how long a lease is held. */
export const METRIC_POOL_WORKER_USE_TIME = 'pool.worker.use_time';

export const ATTR_POOL_NAME = 'pool.name';
export const ATTR_POOL_WORKER_STATE = 'pool.worker.state';
export const ATTR_POOL_WORKER_EXIT_REASON = 'pool.worker.exit.reason';

/** OpenTelemetry's recommended buckets for durations in seconds (HTTP and database conventions). */
export const DURATION_BUCKETS = [0, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
