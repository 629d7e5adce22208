import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Controller, Get, type INestApplication, Injectable, Module } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getPoolToken, type OnWorkerInit, type Pool, PoolFailedError, PoolModule, PoolWorker, UsePoolWorker, type WorkerContext } from 'nestjs-pool';
import { PoolHealthIndicator } from 'nestjs-pool/terminus';

/** The service the workers connect to: down for the next `failures` connects, or for good. */
@Injectable()
class Upstream {
  failures = 0;
  down = false;
  /** When each connect was attempted (fake time), from the first one. */
  readonly attempts: number[] = [];

  connect(): void {
    this.attempts.push(Date.now());
    if (this.down) throw new Error('upstream down');
    if (this.failures > 0) {
      this.failures--;
      throw new Error('upstream down');
    }
  }
}

@Module({ providers: [Upstream], exports: [Upstream] })
class UpstreamModule {}

/** A class worker holding a connection; the test kills it through its context. */
@Injectable()
class Session implements OnWorkerInit {
  static readonly live = new Set<WorkerContext>();
  ctx!: WorkerContext;

  constructor(private readonly upstream: Upstream) {}

  onWorkerInit(ctx: WorkerContext): void {
    this.upstream.connect();
    this.ctx = ctx;
    Session.live.add(ctx);
    ctx.signal.addEventListener('abort', () => Session.live.delete(ctx));
  }
}

@Controller()
class StormController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly pools: PoolHealthIndicator,
  ) {}

  @Get('work')
  @UsePoolWorker('flaky')
  work(@PoolWorker() session: Session): { worker: number } {
    return { worker: session.ctx.id };
  }

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([() => this.pools.isHealthy('flaky')]);
  }
}

/** Timers are faked only once the app runs: the storm runs on jest's clock, HTTP on the real one. */
const FAKE_TIMERS: Parameters<typeof jest.useFakeTimers>[0] = { doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] };

async function startApp(restart: object, size: number): Promise<{ app: INestApplication; pool: Pool<Session>; upstream: Upstream; base: string }> {
  Session.live.clear();
  const moduleRef = await Test.createTestingModule({
    imports: [
      UpstreamModule,
      TerminusModule.forRoot({ logger: false }),
      PoolModule.forRoot({ pools: [{ name: 'flaky', worker: Session, imports: [UpstreamModule], size, maxOverflow: 0, checkoutTimeout: 60_000, restart }] }),
    ],
    controllers: [StormController],
    providers: [PoolHealthIndicator],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  return { app, pool: app.get(getPoolToken('flaky'), { strict: false }), upstream: app.get(Upstream), base };
}

function get(url: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
      })
      .on('error', reject);
  });
}

/** Lets creates, I/O and promise callbacks run without moving the fake clock. */
async function turns(count = 10): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; !condition(); i++) {
    if (i > 10_000) throw new Error('condition never held');
    await turns(1);
  }
}

/** Kills every live worker at once, as a network blip would. */
function crashAll(): void {
  for (const ctx of [...Session.live]) ctx.exit(new Error('connection reset'));
}

describe('restart storm through PoolModule (fake timers)', () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    jest.useRealTimers();
    await app?.close();
    app = undefined;
  });

  it('a create that fails N times then succeeds recovers on the backoff schedule, serves the clients that waited, and health follows', async () => {
    const started = await startApp({ maxRestarts: 20, withinMs: 5_000 }, 3);
    app = started.app;
    const { pool, upstream, base } = started;
    jest.useFakeTimers(FAKE_TIMERS);
    const t0 = Date.now();
    upstream.attempts.length = 0;
    upstream.failures = 6;

    crashAll();
    const waiting = get(`${base}/work`); // queued through @UsePoolWorker while no worker lives
    await until(() => pool.status().waiting === 1 && upstream.attempts.length === 3);
    expect(pool.status()).toMatchObject({ state: 'full', workers: 0, starting: 3 });
    const outage = await get(`${base}/health`);
    expect(outage).toMatchObject({ status: 503, body: { error: { flaky: { status: 'down', workers: 0, reason: 'no live worker (size 3, 3 starting)' } } } });

    await jest.advanceTimersByTimeAsync(10_000);
    await turns();

    // Default backoff, 50 ms doubling, counted on consecutive failures of the pool: every retry waits, none loops.
    expect(upstream.attempts.map((at) => at - t0)).toEqual([0, 0, 0, 50, 100, 200, 450, 900, 1800]);
    expect(await waiting).toMatchObject({ status: 200 });
    expect(pool.status()).toMatchObject({ state: 'ready', workers: 3, idle: 3, busy: 0, waiting: 0, starting: 0, restarts: 3 + 6 });
    expect(await get(`${base}/health`)).toMatchObject({ status: 200, body: { info: { flaky: { status: 'up', workers: 3, restarts: 9 } } } });

    // Once recovered, nothing keeps retrying.
    await jest.advanceTimersByTimeAsync(60_000);
    expect(upstream.attempts).toHaveLength(9);
  });

  it('a create that always fails: no hot loop, `failed` within the restart window, waiters rejected, health down', async () => {
    const started = await startApp({ maxRestarts: 5, withinMs: 5_000 }, 2);
    app = started.app;
    const { pool, upstream, base } = started;
    jest.useFakeTimers(FAKE_TIMERS);
    const t0 = Date.now();
    let failedAt: number | undefined;
    pool.on('stateChange', (state) => void (state === 'failed' && (failedAt = Date.now() - t0)));
    upstream.attempts.length = 0;
    upstream.down = true;

    crashAll();
    const waitingOverHttp = get(`${base}/work`);
    const waitingInProcess = pool.checkout({ timeout: Infinity }).catch((error: unknown) => error);
    await until(() => pool.status().waiting === 2);

    await jest.advanceTimersByTimeAsync(5_000);
    await turns();

    // 2 deaths + 4 failed creates: the 6th restart within 5 s is one past maxRestarts (5).
    expect(upstream.attempts.map((at) => at - t0)).toEqual([0, 0, 50, 100]);
    expect(failedAt).toBe(100);
    expect(pool.status()).toMatchObject({ state: 'failed', workers: 0, waiting: 0, starting: 0, restarts: 6 });
    const rejected = await waitingInProcess;
    expect(rejected).toBeInstanceOf(PoolFailedError);
    expect((rejected as Error).message).toBe('Pool "flaky" failed: more than 5 restarts within 5000 ms (last: upstream down)');
    expect(await waitingOverHttp).toMatchObject({ status: 503, body: { pool: 'flaky', reason: 'pool-failed' } });
    expect(await get(`${base}/work`)).toMatchObject({ status: 503, body: { pool: 'flaky', reason: 'pool-failed' } });
    expect(await get(`${base}/health`)).toMatchObject({
      status: 503,
      body: { status: 'error', error: { flaky: { status: 'down', state: 'failed', workers: 0, restarts: 6 } } },
    });

    // A failed pool stays down: it never tries again on its own, and holds no timer.
    await jest.advanceTimersByTimeAsync(60_000);
    expect(upstream.attempts).toHaveLength(4);
    expect(jest.getTimerCount()).toBe(0);
  });
});
