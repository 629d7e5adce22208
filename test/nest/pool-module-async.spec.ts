import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  InjectPool,
  Pool,
  PoolModule,
  type PoolModuleOptions,
  type PoolOptionsFactory,
  PoolRegistry,
} from 'nestjs-pool';
import { HTTP_ADAPTERS, initApp } from './support/http-adapters.js';
import { JournalModule, RecordingWorker, WorkerJournal } from './support/recording-worker.js';

/** A ConfigService-like provider: values a pool's options are read from. */
@Injectable()
class ConfigService {
  private readonly values: Record<string, number> = { POOL_SIZE: 3, REPORTS_OVERFLOW: 2, SHUTDOWN_TIMEOUT: 100 };

  get(key: string): number {
    return this.values[key]!;
  }
}

/** Not global: modules that need it must import it. */
@Module({ providers: [ConfigService], exports: [ConfigService] })
class ConfigModule {}

@Injectable()
class PoolConfig implements PoolOptionsFactory {
  constructor(private readonly config: ConfigService) {}

  createPoolOptions(): PoolModuleOptions {
    return { defaults: { size: this.config.get('POOL_SIZE') }, pools: [{ name: 'from-class', factory: { create: () => ({}) } }] };
  }
}

@Module({ imports: [ConfigModule], providers: [PoolConfig], exports: [PoolConfig] })
class PoolConfigModule {}

@Controller('reports')
class ReportsController {
  constructor(@InjectPool('reports') private readonly pool: Pool<RecordingWorker>) {}

  @Get()
  run(): Promise<object> {
    return this.pool.use((worker) => ({ pool: worker.ctx.pool, hasJournal: worker.journal instanceof WorkerJournal }));
  }
}

@Module({
  imports: [
    PoolModule.forFeatureAsync([
      {
        name: 'reports',
        imports: [ConfigModule, JournalModule],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({ worker: RecordingWorker, maxOverflow: config.get('REPORTS_OVERFLOW') }),
      },
    ]),
  ],
  controllers: [ReportsController],
})
class ReportsModule {}

describe.each(HTTP_ADAPTERS)('PoolModule async configuration on %s', (_, adapter) => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function start(imports: Parameters<typeof Test.createTestingModule>[0]['imports']): Promise<INestApplication> {
    app = await initApp(await Test.createTestingModule({ imports }).compile(), adapter);
    return app;
  }

  it('reads forRootAsync (useFactory) and forFeatureAsync options from injected providers', async () => {
    await start([
      PoolModule.forRootAsync({
        imports: [ConfigModule],
        inject: [ConfigService],
        useFactory: async (config: ConfigService) => ({
          defaults: { size: config.get('POOL_SIZE') },
          shutdownTimeout: config.get('SHUTDOWN_TIMEOUT'),
          pools: [{ name: 'from-root', size: 1, factory: { create: () => ({}) } }],
        }),
      }),
      ReportsModule,
    ]);
    const registry = app!.get(PoolRegistry);

    // size from the async defaults, maxOverflow from the feature's own factory
    expect(registry.get('reports').status()).toMatchObject({ state: 'ready', size: 3, workers: 3, maxOverflow: 2 });
    // pools of the root factory are registered and started too
    expect(registry.get('from-root').status()).toMatchObject({ state: 'ready', workers: 1 });
    await request(app!.getHttpServer()).get('/reports').expect(200, { pool: 'reports', hasJournal: true });
  });

  it('reads forRootAsync options from a useClass factory', async () => {
    await start([PoolModule.forRootAsync({ imports: [ConfigModule], useClass: PoolConfig }), ReportsModule]);
    const registry = app!.get(PoolRegistry);

    expect(registry.get('reports').size).toBe(3);
    expect(registry.get('from-class').status()).toMatchObject({ state: 'ready', workers: 3 });
  });

  it('reads forRootAsync options from an existing provider (useExisting)', async () => {
    await start([PoolModule.forRootAsync({ imports: [PoolConfigModule], useExisting: PoolConfig }), ReportsModule]);

    expect(app!.get(PoolRegistry).get('reports').size).toBe(3);
    await request(app!.getHttpServer()).get('/reports').expect(200, { pool: 'reports', hasJournal: true });
  });

  it('runs forFeatureAsync without any forRoot, on the engine defaults', async () => {
    await start([ReportsModule]);

    expect(app!.get(PoolRegistry).get('reports').status()).toMatchObject({ state: 'ready', size: 5, maxOverflow: 2 });
  });
});
