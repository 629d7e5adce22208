import { once } from 'node:events';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication, Module, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { getPoolToken, InjectPool, Pool, PoolModule, PoolRegistry, type PoolStatus, type WorkerContext } from 'nestjs-pool';
import { HTTP_ADAPTERS, initApp } from './support/http-adapters.js';
import { JournalModule, RecordingWorker, WorkerJournal } from './support/recording-worker.js';

@Controller()
class RootController {
  constructor(
    @InjectPool('root') private readonly pool: Pool<{ id: number }>,
    private readonly registry: PoolRegistry,
  ) {}

  @Get('root')
  root(): Promise<{ id: number }> {
    return this.pool.use((worker) => ({ id: worker.id }));
  }

  @Get('pools')
  pools(): PoolStatus[] {
    return this.registry.list().map((pool) => pool.status());
  }
}

@Controller('feature')
class FeatureController {
  constructor(
    @InjectPool('feature') private readonly pool: Pool<RecordingWorker>,
    private readonly journal: WorkerJournal,
  ) {}

  @Get()
  use(): Promise<object> {
    return this.pool.use((worker) => ({ pool: worker.ctx.pool, id: worker.ctx.id, sameJournal: worker.journal === this.journal }));
  }

  /** The worker reports its own death, as a client whose connection dropped would. */
  @Post('exit')
  exit(): Promise<{ id: number }> {
    return this.pool.use((worker) => {
      worker.ctx.exit('connection lost');
      return { id: worker.ctx.id };
    });
  }
}

/** A feature module without forRoot's help: its workers' dependency comes through `imports`. */
@Module({
  imports: [
    JournalModule,
    PoolModule.forFeature([{ name: 'feature', worker: RecordingWorker, size: 2, maxOverflow: 3, imports: [JournalModule] }]),
  ],
  controllers: [FeatureController],
})
class FeatureModule {}

/** Injects a forRoot pool from another module: needs `isGlobal`. */
@Controller('elsewhere')
class ElsewhereController {
  constructor(@InjectPool('root') private readonly pool: Pool<{ id: number }>) {}

  @Get()
  name(): string {
    return this.pool.name;
  }
}

@Module({ controllers: [ElsewhereController] })
class ElsewhereModule {}

const rootPool = { name: 'root', size: 1, factory: { create: (ctx: { id: number }) => ({ id: ctx.id }) } };

describe.each(HTTP_ADAPTERS)('PoolModule on %s', (_, adapter) => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function start(imports: Parameters<typeof Test.createTestingModule>[0]['imports']): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({ imports, controllers: [RootController] }).compile();
    app = await initApp(moduleRef, adapter);
    return app;
  }

  it('injects pools by name and lists forRoot and forFeature pools in the registry, started', async () => {
    await start([PoolModule.forRoot({ pools: [rootPool] }), FeatureModule]);
    const server = app!.getHttpServer();

    await request(server).get('/root').expect(200, { id: 1 });
    await request(server).get('/feature').expect(200).expect(({ body }) => expect(body).toMatchObject({ pool: 'feature', sameJournal: true }));
    const { body } = await request(server).get('/pools').expect(200);
    expect(body).toEqual([
      expect.objectContaining({ name: 'root', state: 'ready', workers: 1, idle: 1 }),
      expect.objectContaining({ name: 'feature', state: 'ready', workers: 2, idle: 2 }),
    ]);
    const registry = app!.get(PoolRegistry);
    expect(app!.get(getPoolToken('root'))).toBe(registry.get('root'));
    expect(app!.get(getPoolToken('feature'), { strict: false })).toBeInstanceOf(Pool);
  });

  it('applies forRoot defaults to every pool unless the pool sets its own', async () => {
    const contexts: WorkerContext[] = [];
    await start([
      PoolModule.forRoot({ defaults: { checkoutTimeout: 1234, maxOverflow: 0, restart: { maxRestarts: 0 } }, pools: [rootPool] }),
      FeatureModule,
      PoolModule.forFeatureAsync([
        {
          name: 'fragile',
          // undefined counts as not set; restart is merged with the defaults key by key
          useFactory: () => ({ size: 1, checkoutTimeout: undefined, restart: { backoff: 1 }, factory: { create: (ctx) => contexts.push(ctx) } }),
        },
      ]),
    ]);
    const registry = app!.get(PoolRegistry);

    expect(registry.get('root')).toMatchObject({ checkoutTimeout: 1234, maxOverflow: 0 });
    expect(registry.get('feature')).toMatchObject({ checkoutTimeout: 1234, maxOverflow: 3, size: 2 });
    expect(registry.get('fragile')).toMatchObject({ checkoutTimeout: 1234, maxOverflow: 0 });
    // maxRestarts 0 from the defaults still holds next to the pool's own backoff: one death fails the pool
    contexts[0]!.exit('crashed');
    expect(registry.get('fragile').status().state).toBe('failed');
  });

  it('builds one class worker per worker, with its dependencies injected, and replaces one that exits', async () => {
    await start([FeatureModule, PoolModule.forRoot({ pools: [rootPool] })]);
    const server = app!.getHttpServer();
    const journal = app!.get(WorkerJournal, { strict: false });
    const pool = app!.get<Pool<RecordingWorker>>(getPoolToken('feature'), { strict: false });

    const [a, b] = [await pool.checkout(), await pool.checkout()];
    expect(a.worker).not.toBe(b.worker);
    expect(a.worker.journal).toBe(journal);
    expect(b.worker.journal).toBe(journal);
    a.release();
    b.release();
    expect(journal.initIds('feature')).toEqual([1, 2]);

    const replaced = once(pool, 'workerStart');
    const { body } = await request(server).post('/feature/exit').expect(201);
    await replaced;
    expect(journal.destroys).toEqual([{ pool: 'feature', id: body.id, reason: 'exited' }]);
    expect(pool.status()).toMatchObject({ workers: 2, restarts: 1 });
  });

  it('destroys every class worker exactly once when the application closes', async () => {
    await start([FeatureModule, PoolModule.forRoot({ pools: [rootPool] })]);
    const journal = app!.get(WorkerJournal, { strict: false });
    const pool = app!.get<Pool<RecordingWorker>>(getPoolToken('feature'), { strict: false });
    // Use overflow, so workers come and go before the close.
    const leases = await Promise.all(Array.from({ length: 5 }, () => pool.checkout()));
    for (const lease of leases) lease.release();

    await app!.close();
    app = undefined;

    const created = journal.initIds('feature');
    expect(created).toHaveLength(5);
    const counts = journal.destroyCounts('feature');
    expect([...counts.keys()].sort()).toEqual(created.sort());
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    expect(pool.status().state).toBe('stopped');
  });

  it('makes forRoot pools injectable in every module with isGlobal', async () => {
    await start([PoolModule.forRoot({ isGlobal: true, pools: [rootPool] }), ElsewhereModule]);

    await request(app!.getHttpServer()).get('/elsewhere').expect(200, 'root');
  });
});
