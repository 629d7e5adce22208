import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, Global, Module, Query, type INestApplication } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Pool, PoolConfigError, PoolRegistry, type Lease, type WorkerContext } from 'nestjs-pool';
import { PoolHealthIndicator } from 'nestjs-pool/terminus';

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly pools: PoolHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check(@Query('pool') pool = 'db', @Query('maxWaiting') maxWaiting?: string, @Query('minIdle') minIdle?: string) {
    return this.health.check([
      () =>
        this.pools.isHealthy(pool, {
          maxWaiting: maxWaiting === undefined ? undefined : Number(maxWaiting),
          minIdle: minIdle === undefined ? undefined : Number(minIdle),
        }),
    ]);
  }
}

/** A pool whose workers the test can crash, and whose next create it can hold back. */
function crashablePool(name: string, size: number, maxOverflow = 0, maxRestarts = 5) {
  const contexts = new Map<number, WorkerContext>();
  let holdCreates: Promise<void> | undefined;
  const pool = new Pool<number>({
    name,
    size,
    maxOverflow,
    restart: { maxRestarts, withinMs: 60_000, backoff: 0 },
    factory: {
      create: async (ctx) => {
        if (holdCreates !== undefined) await holdCreates;
        contexts.set(ctx.id, ctx);
        return ctx.id;
      },
    },
  });
  const crash = (id: number): void => contexts.get(id)!.exit(new Error('crashed'));
  const holdNextCreates = (): (() => void) => {
    let resume!: () => void;
    holdCreates = new Promise((resolve) => (resume = resolve));
    return () => {
      holdCreates = undefined;
      resume();
    };
  };
  return { pool, crash, holdNextCreates };
}

describe.each([
  ['Express', () => new ExpressAdapter()],
  ['Fastify', () => new FastifyAdapter()],
] as [string, () => AbstractHttpAdapter][])('PoolHealthIndicator over %s', (_name, adapter) => {
  let app: INestApplication;
  let registry: PoolRegistry;
  let base: string;
  let db: ReturnType<typeof crashablePool>;
  const leases: Lease<number>[] = [];

  beforeEach(async () => {
    registry = new PoolRegistry();
    db = crashablePool('db', 2);
    registry.register(db.pool);
    await db.pool.start();

    @Global()
    @Module({ providers: [{ provide: PoolRegistry, useValue: registry }], exports: [PoolRegistry] })
    class RegistryModule {}

    const moduleRef = await Test.createTestingModule({
      imports: [RegistryModule, TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [PoolHealthIndicator],
    }).compile();
    app = moduleRef.createNestApplication(adapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    for (const lease of leases.splice(0)) lease.release();
    await app.close();
    await registry.stopAll({ timeout: 0 });
  });

  async function health(query = ''): Promise<{ status: number; body: any }> {
    const response = await fetch(`${base}/health${query}`);
    return { status: response.status, body: await response.json() };
  }

  it('is up with the pool counters under the pool name', async () => {
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.info.db).toEqual({ status: 'up', state: 'ready', workers: 2, idle: 2, busy: 0, overflow: 0, waiting: 0, restarts: 0 });
  });

  it('is degraded, still 200, when the pool is full and clients wait', async () => {
    leases.push(await db.pool.checkout(), await db.pool.checkout());
    const waiter = db.pool.checkout({ timeout: 60_000 });
    expect(db.pool.status()).toMatchObject({ state: 'full', waiting: 1 });

    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.details.db).toMatchObject({ status: 'degraded', state: 'full', busy: 2, waiting: 1, reason: 'full: 1 clients wait for a worker' });

    leases[0]!.release();
    leases.push(await waiter);
    expect((await health()).body.details.db.status).toBe('up'); // full, nobody waiting
  });

  it('is down when more clients wait than maxWaiting', async () => {
    leases.push(await db.pool.checkout(), await db.pool.checkout());
    const waiters = [db.pool.checkout({ timeout: 60_000 }), db.pool.checkout({ timeout: 60_000 })];

    expect((await health('?maxWaiting=2')).status).toBe(200);
    const { status, body } = await health('?maxWaiting=1');
    expect(status).toBe(503);
    expect(body.status).toBe('error');
    expect(body.error.db).toMatchObject({ status: 'down', waiting: 2, reason: '2 clients wait for a worker, more than maxWaiting (1)' });

    leases.splice(0).forEach((lease) => lease.release());
    for (const waiter of waiters) (await waiter).release();
  });

  it('is down when fewer workers than minIdle are idle', async () => {
    leases.push(await db.pool.checkout());
    const { status, body } = await health('?minIdle=2');
    expect(status).toBe(503);
    expect(body.error.db).toMatchObject({ status: 'down', idle: 1, busy: 1, reason: '1 idle workers, fewer than minIdle (2)' });
    expect((await health('?minIdle=1')).status).toBe(200);
  });

  it('is down while no worker lives, and up again once the replacements started', async () => {
    const resume = db.holdNextCreates();
    db.crash(1);
    db.crash(2);
    expect(db.pool.status()).toMatchObject({ workers: 0, starting: 2 });

    const { status, body } = await health();
    expect(status).toBe(503);
    expect(body.error.db).toMatchObject({ status: 'down', state: 'full', workers: 0, restarts: 2, reason: 'no live worker (size 2, 2 starting)' });

    const started = once(db.pool, 'workerStart');
    resume();
    await started;
    await new Promise((resolve) => setImmediate(resolve)); // the new workers are offered after they start
    expect((await health()).body.info.db).toMatchObject({ status: 'up', workers: 2, idle: 2, restarts: 2 });
  });

  it('is down once the workers crash past the restart limit', async () => {
    const crashy = crashablePool('crashy', 1, 0, 1);
    registry.register(crashy.pool);
    await crashy.pool.start();
    crashy.crash(1);
    await once(crashy.pool, 'workerStart');
    const failed = once(crashy.pool, 'stateChange');
    crashy.crash(2);
    await failed;

    const { status, body } = await health('?pool=crashy');
    expect(status).toBe(503);
    expect(body.error.crashy).toMatchObject({
      status: 'down',
      state: 'failed',
      workers: 0,
      reason: 'the pool failed: it could not start its workers, or they died past its restart limit',
    });
  });

  it('is down when the pool is draining or stopped', async () => {
    leases.push(await db.pool.checkout());
    const stopped = db.pool.stop({ timeout: 60_000 });
    expect((await health()).body.error.db).toMatchObject({ status: 'down', state: 'draining', reason: 'the pool is draining' });
    leases.splice(0).forEach((lease) => lease.release());
    await stopped;
    expect((await health()).body.error.db).toMatchObject({ status: 'down', state: 'stopped', reason: 'the pool is stopped' });
  });

  it('is down, with the reason, for a name no pool is registered under', async () => {
    const { status, body } = await health('?pool=nope');
    expect(status).toBe(503);
    expect(body.error).toEqual({ nope: { status: 'down', reason: 'no pool named "nope" is registered' } });
  });

  it('rejects a bad threshold with an error naming the pool and the option', () => {
    const indicator = app.get(PoolHealthIndicator);
    expect(() => indicator.isHealthy('db', { maxWaiting: -1 })).toThrow(PoolConfigError);
    expect(() => indicator.isHealthy('db', { minIdle: 1.5 })).toThrow('Pool "db": option "minIdle" of isHealthy() must be an integer >= 0, got 1.5');
  });
});

describe('PoolHealthIndicator on Terminus 11 (no degraded)', () => {
  it('reports a full pool with clients waiting as up, with the reason', async () => {
    const registry = new PoolRegistry();
    const pool = await registry.start<number>({ name: 'db', size: 1, maxOverflow: 0, factory: { create: (ctx) => ctx.id } });
    const lease = await pool.checkout();
    const waiter = pool.checkout({ timeout: 60_000 });

    // Terminus 11's session: up and down only.
    const session = new HealthIndicatorService().check('db');
    const terminus11 = { check: () => ({ up: session.up.bind(session), down: session.down.bind(session) }) };
    const indicator = new PoolHealthIndicator(terminus11 as unknown as HealthIndicatorService, registry);
    expect(indicator.isHealthy('db')).toEqual({
      db: { status: 'up', state: 'full', workers: 1, idle: 0, busy: 1, overflow: 0, waiting: 1, restarts: 0, reason: 'full: 1 clients wait for a worker' },
    });

    lease.release();
    (await waiter).release();
    await registry.stopAll();
  });
});
