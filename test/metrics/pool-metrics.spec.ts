import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { once } from 'node:events';
import { PoolRegistry, type Lease, type Pool, type WorkerContext } from 'nestjs-pool';
import {
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
  PoolMetrics,
  PoolMetricsModule,
} from 'nestjs-pool/metrics';

/** A pull reader: the test collects when it wants to look. */
class TestReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

type Points = Map<string, DataPoint<unknown>[]>;

async function collect(reader: MetricReader): Promise<Points> {
  const { resourceMetrics } = await reader.collect();
  const points: Points = new Map();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) points.set(metric.descriptor.name, metric.dataPoints as DataPoint<unknown>[]);
  }
  return points;
}

/** The value of the data point whose attributes include `attributes`. */
function valueOf<T = number>(points: Points, name: string, attributes: Record<string, string>): T | undefined {
  const point = points.get(name)?.find((p) => Object.entries(attributes).every(([key, value]) => p.attributes[key] === value));
  return point?.value as T | undefined;
}

describe('PoolMetrics', () => {
  let reader: TestReader;
  let provider: MeterProvider;
  let registry: PoolRegistry;
  let metrics: PoolMetrics;
  const contexts = new Map<number, WorkerContext>();
  const db = { 'pool.name': 'db' };

  beforeEach(() => {
    reader = new TestReader();
    provider = new MeterProvider({ readers: [reader] });
    registry = new PoolRegistry();
    contexts.clear();
  });

  afterEach(async () => {
    jest.useRealTimers();
    metrics?.close();
    await registry.stopAll({ timeout: 0 });
    await provider.shutdown();
  });

  function startDb(options: { size: number; maxOverflow: number }) {
    return registry.start<number>({
      name: 'db',
      ...options,
      restart: { maxRestarts: 10, withinMs: 60_000, backoff: 0 },
      factory: {
        create: (ctx) => {
          contexts.set(ctx.id, ctx);
          return ctx.id;
        },
      },
    });
  }

  it('reports workers by state, overflow, the maximum and the queue, as status() has them', async () => {
    const pool = await startDb({ size: 2, maxOverflow: 1 });
    metrics = new PoolMetrics(registry, { meterProvider: provider });

    let points = await collect(reader);
    expect(valueOf(points, METRIC_POOL_WORKER_COUNT, { ...db, 'pool.worker.state': 'idle' })).toBe(2);
    expect(valueOf(points, METRIC_POOL_WORKER_COUNT, { ...db, 'pool.worker.state': 'busy' })).toBe(0);
    expect(valueOf(points, METRIC_POOL_WORKER_MAX, db)).toBe(3);

    const leases = await Promise.all([pool.checkout(), pool.checkout(), pool.checkout()]);
    const waiter = pool.checkout({ timeout: 60_000 });
    points = await collect(reader);
    expect(valueOf(points, METRIC_POOL_WORKER_COUNT, { ...db, 'pool.worker.state': 'idle' })).toBe(0);
    expect(valueOf(points, METRIC_POOL_WORKER_COUNT, { ...db, 'pool.worker.state': 'busy' })).toBe(3);
    expect(valueOf(points, METRIC_POOL_WORKER_COUNT, { ...db, 'pool.worker.state': 'starting' })).toBe(0);
    expect(valueOf(points, METRIC_POOL_WORKER_OVERFLOW, db)).toBe(1);
    expect(valueOf(points, METRIC_POOL_WORKER_PENDING_REQUESTS, db)).toBe(1);

    leases[0]!.release();
    (await waiter).release();
    for (const lease of leases) lease.release();
  });

  it('counts checkouts, timeouts, aborts, exits and restarts, and times waits and leases', async () => {
    jest.useFakeTimers({ now: 0 });
    const pool = await startDb({ size: 1, maxOverflow: 0 });
    metrics = new PoolMetrics(registry, { meterProvider: provider });

    const first = await pool.checkout(); // a free worker: waits 0 s
    await jest.advanceTimersByTimeAsync(30);
    const queued = pool.checkout({ timeout: 1000 });
    await jest.advanceTimersByTimeAsync(20);
    first.release(); // held 50 ms; the queued client waited 20 ms
    const second = await queued;
    await jest.advanceTimersByTimeAsync(40);

    const timedOut = pool.checkout({ timeout: 100 }).catch((error: Error) => error);
    await jest.advanceTimersByTimeAsync(100);
    expect(await timedOut).toMatchObject({ code: 'POOL_TIMEOUT' });
    const client = new AbortController();
    const aborted = pool.checkout({ timeout: 1000, signal: client.signal }).catch((error: Error) => error);
    client.abort();
    expect(await aborted).toMatchObject({ code: 'POOL_ABORTED' });

    second.release(); // held 140 ms
    const restarted = once(pool, 'workerStart');
    contexts.get(1)!.exit(new Error('crashed'));
    await restarted;

    const points = await collect(reader);
    expect(valueOf(points, METRIC_POOL_WORKER_CHECKOUTS, db)).toBe(2);
    expect(valueOf(points, METRIC_POOL_WORKER_TIMEOUTS, db)).toBe(1);
    expect(valueOf(points, METRIC_POOL_WORKER_ABORTS, db)).toBe(1);
    expect(valueOf(points, METRIC_POOL_WORKER_EXITS, { ...db, 'pool.worker.exit.reason': 'exited' })).toBe(1);
    expect(valueOf(points, METRIC_POOL_WORKER_RESTARTS, db)).toBe(1);
    const wait = valueOf<Histogram>(points, METRIC_POOL_WORKER_WAIT_TIME, db)!;
    expect(wait).toMatchObject({ count: 2, min: 0, max: 0.02 });
    expect(wait.sum).toBeCloseTo(0.02, 9);
    const use = valueOf<Histogram>(points, METRIC_POOL_WORKER_USE_TIME, db)!;
    expect(use).toMatchObject({ count: 2, min: 0.05, max: 0.14 });
    expect(use.sum).toBeCloseTo(0.19, 9);
  });

  it('times the lease of a worker that dies while held', async () => {
    jest.useFakeTimers({ now: 0 });
    const pool = await startDb({ size: 1, maxOverflow: 0 });
    metrics = new PoolMetrics(registry, { meterProvider: provider });
    const lease: Lease<number> = await pool.checkout();
    await jest.advanceTimersByTimeAsync(75);
    contexts.get(lease.workerId)!.exit('gone');

    const points = await collect(reader);
    expect(valueOf<Histogram>(points, METRIC_POOL_WORKER_USE_TIME, db)).toMatchObject({ count: 1, sum: 0.075 });
    expect(lease.held).toBe(false);
  });

  it('times each wait exactly when clients leave the queue out of order', async () => {
    jest.useFakeTimers({ now: 0 });
    const pool = await startDb({ size: 1, maxOverflow: 0 });
    metrics = new PoolMetrics(registry, { meterProvider: provider });

    const held = await pool.checkout();
    const patient = pool.checkout({ timeout: 1000 });
    await jest.advanceTimersByTimeAsync(10);
    // Queued after `patient`, it leaves first: its timeout ends before `patient` is served.
    const hasty = pool.checkout({ timeout: 50 }).catch((error: Error) => error);
    await jest.advanceTimersByTimeAsync(50);
    expect(await hasty).toMatchObject({ code: 'POOL_TIMEOUT' });
    await jest.advanceTimersByTimeAsync(40);
    held.release();
    (await patient).release(); // queued from 0 to 100 ms

    const points = await collect(reader);
    expect(valueOf(points, METRIC_POOL_WORKER_TIMEOUTS, db)).toBe(1);
    expect(valueOf<Histogram>(points, METRIC_POOL_WORKER_WAIT_TIME, db)).toMatchObject({ count: 2, min: 0, max: 0.1, sum: 0.1 });
  });

  it('counts a pool registered at run time from its first checkout, and lets go of it once stopped', async () => {
    metrics = new PoolMetrics(registry, { meterProvider: provider });
    const late = await registry.start<number>({ name: 'late', size: 3, factory: { create: (ctx) => ctx.id } });
    await late.use(() => undefined); // before any collection

    const points = await collect(reader);
    expect(valueOf(points, METRIC_POOL_WORKER_CHECKOUTS, { 'pool.name': 'late' })).toBe(1);
    expect(valueOf<Histogram>(points, METRIC_POOL_WORKER_WAIT_TIME, { 'pool.name': 'late' })).toMatchObject({ count: 1 });
    expect(valueOf(points, METRIC_POOL_WORKER_COUNT, { 'pool.name': 'late', 'pool.worker.state': 'idle' })).toBe(3);

    await registry.stop('late');
    expect(late.listenerCount('checkout')).toBe(0);
  });

  it('lets go of a pool that could not start', async () => {
    metrics = new PoolMetrics(registry, { meterProvider: provider });
    let broken: Pool<unknown> | undefined;
    registry.once('register', (pool) => (broken = pool));
    const started = registry.start({ name: 'broken', size: 1, factory: { create: () => Promise.reject(new Error('no database')) } });
    await expect(started).rejects.toMatchObject({ code: 'POOL_FAILED' });
    expect(broken!.listenerCount('checkout')).toBe(0);
  });
});

describe('PoolMetricsModule', () => {
  it('instruments the registry pools for the life of the application', async () => {
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    const registry = new PoolRegistry();
    const pool = await registry.start<number>({ name: 'db', size: 2, factory: { create: (ctx) => ctx.id } });

    @Global()
    @Module({ providers: [{ provide: PoolRegistry, useValue: registry }], exports: [PoolRegistry] })
    class RegistryModule {}

    const moduleRef = await Test.createTestingModule({
      imports: [RegistryModule, PoolMetricsModule.forRoot({ meterProvider: provider })],
    }).compile();
    const app = await moduleRef.createNestApplication({ logger: false }).init();
    expect(app.get(PoolMetrics)).toBeInstanceOf(PoolMetrics);

    await pool.use(() => undefined);
    const points = await collect(reader);
    expect(valueOf(points, METRIC_POOL_WORKER_CHECKOUTS, { 'pool.name': 'db' })).toBe(1);
    expect(valueOf(points, METRIC_POOL_WORKER_COUNT, { 'pool.name': 'db', 'pool.worker.state': 'idle' })).toBe(2);

    await app.close();
    expect(pool.listenerCount('checkout')).toBe(0);
    await registry.stopAll();
    await provider.shutdown();
  });
});
