import { afterEach, describe, expect, it, jest } from '@jest/globals';
import {
  Controller,
  Delete,
  Get,
  type INestApplication,
  Injectable,
  Module,
  Param,
  Post,
  ServiceUnavailableException,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { getPoolToken, InjectPool, type Pool, PoolError, PoolModule, PoolRegistry, type PoolStatus } from 'nestjs-pool';
import { HTTP_ADAPTERS, initApp, listenApp } from './support/http-adapters.js';
import { JournalModule, RecordingWorker, WorkerJournal } from './support/recording-worker.js';

/** Holds every job on its worker until the test opens it. */
@Injectable()
class Gate {
  open!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.open = resolve));
}

@Controller('work')
class WorkController {
  constructor(
    @InjectPool('slow') private readonly pool: Pool<RecordingWorker>,
    private readonly gate: Gate,
  ) {}

  @Get()
  async work(): Promise<{ worker: number }> {
    try {
      return await this.pool.use(async (worker) => {
        await this.gate.opened;
        return { worker: worker.ctx.id };
      });
    } catch (error) {
      if (error instanceof PoolError) throw new ServiceUnavailableException({ code: error.code, message: error.message });
      throw error;
    }
  }
}

@Module({
  imports: [
    JournalModule,
    PoolModule.forRoot({
      pools: [{ name: 'slow', size: 1, maxOverflow: 1, worker: RecordingWorker, imports: [JournalModule] }],
    }),
  ],
  providers: [Gate],
  controllers: [WorkController],
})
class WorkModule {}

/** Pools started and stopped while the application runs. */
@Controller('pools')
class PoolsController {
  constructor(private readonly registry: PoolRegistry) {}

  @Get()
  list(): PoolStatus[] {
    return this.registry.list().map((pool) => pool.status());
  }

  @Post(':name')
  async start(@Param('name') name: string): Promise<PoolStatus> {
    const pool = await this.registry.start({ name, size: 1, factory: { create: () => ({}), destroy: () => void destroyed.push(name) } });
    return pool.status();
  }

  @Delete(':name')
  async stop(@Param('name') name: string): Promise<void> {
    await this.registry.stop(name);
  }
}

const destroyed: string[] = [];

/** Resolves once `condition` holds, checking again after every turn of the event loop. */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setImmediate(resolve));
}

/** Why a checkout that cannot wait is refused: POOL_FULL while the pool is busy, POOL_STOPPED once shutdown began. */
function refusal<W>(pool: Pool<W>): Promise<string | undefined> {
  return pool.checkout({ block: false }).then(
    (lease) => void lease.release(),
    (error: PoolError) => error.code,
  );
}

/** Timers that keep the process alive (unref'd ones are not listed). */
function aliveTimers(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

describe.each(HTTP_ADAPTERS)('PoolModule shutdown on %s', (_, adapter) => {
  let app: INestApplication | undefined;
  let gate: Gate | undefined;

  afterEach(async () => {
    gate?.open(); // a failed assertion must not leave requests (and the close) hanging
    await app?.close();
    app = undefined;
    gate = undefined;
  });

  it('lets requests in flight and queued ones finish, refuses late ones, then destroys every worker once', async () => {
    app = await listenApp(await Test.createTestingModule({ imports: [WorkModule] }).compile(), adapter);
    const server = app.getHttpServer();
    const pool = app.get<Pool<RecordingWorker>>(getPoolToken('slow'), { strict: false });
    const journal = app.get(WorkerJournal, { strict: false });
    const opening = app.get(Gate, { strict: false });
    gate = opening;

    // size 1 + maxOverflow 1: two requests hold workers, two wait in the pool's queue
    const inFlight = Promise.all(Array.from({ length: 4 }, () => request(server).get('/work').then((res) => res)));
    await until(() => pool.status().waiting === 2);
    expect(pool.status()).toMatchObject({ busy: 2, waiting: 2 });

    const closing = app.close();
    app = undefined;
    // Shutdown began once the pool refuses checkouts (until then it is just full).
    await until(async () => (await refusal(pool)) === 'POOL_STOPPED');
    const late = await request(server).get('/work');
    expect(late.status).toBe(503);
    expect(late.body).toMatchObject({ code: 'POOL_STOPPED' });
    expect(pool.status()).toMatchObject({ busy: 2, waiting: 2 });

    opening.open();
    const responses = await inFlight;
    await closing;

    expect(responses.map((res) => res.status)).toEqual([200, 200, 200, 200]);
    const created = journal.initIds('slow');
    const counts = journal.destroyCounts('slow');
    expect([...counts.keys()].sort()).toEqual([...created].sort());
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    expect(pool.status()).toMatchObject({ state: 'stopped', workers: 0 });
  });

  it('starts and stops pools at run time through PoolRegistry, and drains the ones left at shutdown', async () => {
    destroyed.length = 0;
    app = await initApp(
      await Test.createTestingModule({
        imports: [PoolModule.forFeature([{ name: 'module', size: 1, factory: { create: () => ({}) } }])],
        controllers: [PoolsController],
      }).compile(),
      adapter,
    );
    const server = app.getHttpServer();

    await request(server).post('/pools/temp').expect(201).expect(({ body }) => expect(body).toMatchObject({ name: 'temp', state: 'ready', workers: 1 }));
    await request(server).post('/pools/kept').expect(201);
    const { body } = await request(server).get('/pools').expect(200);
    expect(body.map((status: PoolStatus) => status.name)).toEqual(['module', 'temp', 'kept']);

    await request(server).delete('/pools/temp').expect(200);
    expect(destroyed).toEqual(['temp']);
    const { body: after } = await request(server).get('/pools').expect(200);
    expect(after.map((status: PoolStatus) => status.name)).toEqual(['module', 'kept']);

    const registry = app.get(PoolRegistry);
    await app.close();
    app = undefined;
    expect(destroyed).toEqual(['temp', 'kept']);
    expect(registry.list()).toEqual([]);
  });
});

describe('PoolModule shutdown without HTTP', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('leaves no timer of its own that keeps the process alive', async () => {
    const timersBefore = aliveTimers();
    const moduleRef = await Test.createTestingModule({
      imports: [
        PoolModule.forRoot({
          defaults: { overflowTtl: 60_000, leaseTimeout: 60_000, checkoutTimeout: 60_000 },
          pools: [{ name: 'timers', size: 1, maxOverflow: 1, worker: RecordingWorker, imports: [JournalModule] }],
        }),
      ],
    }).compile();
    await moduleRef.init();
    const pool = moduleRef.get<Pool<RecordingWorker>>(getPoolToken('timers'), { strict: false });
    const [a, b] = [await pool.checkout(), await pool.checkout()];
    const queued = pool.checkout();

    const closing = moduleRef.close();
    await until(async () => (await refusal(pool)) === 'POOL_STOPPED');
    a.release();
    b.release();
    (await queued).release();
    await closing;

    expect(pool.status()).toMatchObject({ state: 'stopped', workers: 0 });
    expect(aliveTimers()).toBe(timersBefore);
  });

  it('waits shutdownTimeout (default 5000 ms) for leases and queued checkouts, then revokes and rejects them', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [PoolModule.forRoot({ pools: [{ name: 'stuck', size: 1, maxOverflow: 0, factory: { create: () => ({}) } }] })],
    }).compile();
    await moduleRef.init();
    const pool = moduleRef.get<Pool>(getPoolToken('stuck'), { strict: false });
    const lease = await pool.checkout();
    const queued = pool.checkout({ timeout: Infinity }).catch((error: unknown) => error);

    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    let closed = false;
    const closing = moduleRef.close().then(() => (closed = true));
    await jest.advanceTimersByTimeAsync(4999);
    expect(closed).toBe(false);
    expect(lease.held).toBe(true);

    await jest.advanceTimersByTimeAsync(1);
    await closing;
    expect(lease.held).toBe(false);
    expect(lease.signal.aborted).toBe(true);
    expect(await queued).toMatchObject({ code: 'POOL_STOPPED' });
    expect(pool.status()).toMatchObject({ state: 'stopped', workers: 0 });
  });
});
