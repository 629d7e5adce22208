import { describe, expect, it } from '@jest/globals';
import { Controller, Injectable, Module, type ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  InjectPool,
  Pool,
  PoolConfigError,
  PoolFailedError,
  PoolModule,
  PoolRegistry,
  type PoolDefinition,
} from 'nestjs-pool';
import { HTTP_ADAPTERS } from './support/http-adapters.js';
import { JournalModule, RecordingWorker, WorkerJournal } from './support/recording-worker.js';

const factory = { create: () => ({}) };

/** Builds the module graph (providers included) the way bootstrap does; resolves with the error, if any. */
async function compileError(imports: ModuleMetadata['imports'], controllers: ModuleMetadata['controllers'] = []): Promise<Error> {
  try {
    await Test.createTestingModule({ imports, controllers }).compile();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected bootstrap to fail');
}

describe('PoolModule configuration errors fail bootstrap with what to fix', () => {
  it('rejects two pools with one name, across forRoot and forFeature', async () => {
    const error = await compileError([
      PoolModule.forRoot({ pools: [{ name: 'db', factory }] }),
      PoolModule.forFeature([{ name: 'db', factory }]),
    ]);
    expect(error).toBeInstanceOf(PoolConfigError);
    expect(error.message).toBe('Pool "db": option "name" is already taken by another pool; pool names must be unique');
  });

  it('rejects two pools with one name in one call, and a pool without a name, when the module is declared', () => {
    expect(() => PoolModule.forFeature([{ name: 'db', factory }, { name: 'db', factory }])).toThrow(
      'Pool "db": option "name" is declared twice in one PoolModule.forFeature',
    );
    expect(() => PoolModule.forFeature([{ factory } as unknown as PoolDefinition])).toThrow(
      'Pool "<unnamed>": option "name" must be a non-empty string (in PoolModule.forFeature)',
    );
  });

  it('rejects invalid engine options, naming the pool and the option', async () => {
    const size = await compileError([PoolModule.forFeature([{ name: 'small', size: -1, factory }])]);
    expect(size.message).toBe('Pool "small": option "size" must be an integer >= 0, got -1');
    const typo = await compileError([PoolModule.forFeature([{ name: 'typo', sizee: 2, factory } as PoolDefinition])]);
    expect(typo.message).toMatch(/^Pool "typo": option "sizee" is not a pool option/);
    const defaults = await compileError([
      PoolModule.forRoot({ defaults: { maxOverflow: 1.5 } }),
      PoolModule.forFeature([{ name: 'inherits', factory }]),
    ]);
    expect(defaults.message).toBe('Pool "inherits": option "maxOverflow" must be an integer >= 0, got 1.5');
  });

  it('rejects a worker that is not a class', async () => {
    const arrow = await compileError([PoolModule.forFeature([{ name: 'a', worker: (() => ({})) as never }])]);
    expect(arrow.message).toBe(
      'Pool "a": option "worker" must be a class (Nest creates one instance per worker), got a function without a prototype (worker); pass the class itself',
    );
    const instance = await compileError([PoolModule.forFeature([{ name: 'b', worker: new WorkerJournal() as never }])]);
    expect(instance.message).toMatch(/^Pool "b": option "worker" must be a class .*got an instance of WorkerJournal/);
  });

  it('rejects a worker class whose constructor Nest cannot inject', async () => {
    class Undecorated {
      constructor(readonly journal: WorkerJournal) {}
    }
    const error = await compileError([PoolModule.forFeature([{ name: 'plain', worker: Undecorated }])]);
    expect(error.message).toBe(
      'Pool "plain": option "worker" class Undecorated has constructor parameters but no decorator, so Nest cannot inject them: add @Injectable()',
    );
  });

  it('asks for exactly one worker source', async () => {
    const none = await compileError([PoolModule.forFeature([{ name: 'none' } as PoolDefinition])]);
    expect(none.message).toBe('Pool "none": option "worker" is missing: set "factory", "worker", "thread" or "process"');
    const both = await compileError([
      PoolModule.forFeature([{ name: 'both', factory, worker: RecordingWorker } as unknown as PoolDefinition]),
    ]);
    expect(both.message).toBe(
      'Pool "both": option "worker" cannot be combined with "factory": set only one of "factory", "worker", "thread" or "process"',
    );
  });

  it('rejects module options it cannot use', async () => {
    const timeout = await compileError([PoolModule.forRoot({ shutdownTimeout: -5 })]);
    expect(timeout.message).toBe('PoolModule.forRoot: option "shutdownTimeout" must be a finite number of ms >= 0, got -5');
    expect(() => PoolModule.forRootAsync({})).toThrow('PoolModule.forRootAsync: set one of useFactory, useClass or useExisting');
    const imports = await compileError([
      PoolModule.forFeatureAsync([{ name: 'late', useFactory: () => ({ factory, imports: [JournalModule] }) as never }]),
    ]);
    expect(imports.message).toBe('Pool "late": option "imports" cannot come from useFactory: put it next to useFactory in forFeatureAsync');
  });

  it('names the missing pool token when @InjectPool asks for an undeclared pool', async () => {
    @Controller()
    class NeedsUnknown {
      constructor(@InjectPool('nowhere') readonly pool: Pool) {}
    }
    const error = await compileError([PoolModule.forRoot({ pools: [{ name: 'somewhere', factory }] })], [NeedsUnknown]);
    expect(error.message).toContain('"Pool_nowhere"');
  });

  it('does not share forRoot pools with other modules unless isGlobal is set', async () => {
    @Controller()
    class NeedsRootPool {
      constructor(@InjectPool('root') readonly pool: Pool) {}
    }
    @Module({ controllers: [NeedsRootPool] })
    class OtherModule {}
    const error = await compileError([PoolModule.forRoot({ pools: [{ name: 'root', factory }] }), OtherModule]);
    expect(error.message).toContain('"Pool_root"');
  });
});

describe.each(HTTP_ADAPTERS)('PoolModule start failures on %s', (_, adapter) => {
  it('fails bootstrap naming the pool that cannot start, and stops the pools that did', async () => {
    const destroyed: number[] = [];
    const moduleRef = await Test.createTestingModule({
      imports: [
        PoolModule.forRoot({
          pools: [
            { name: 'healthy', size: 2, factory: { create: (ctx) => ctx.id, destroy: (id) => void destroyed.push(id as number) } },
            { name: 'broken', size: 1, factory: { create: () => Promise.reject(new Error('connection refused')) } },
          ],
        }),
      ],
    }).compile();
    const registry = moduleRef.get(PoolRegistry);
    const healthy = registry.get('healthy');
    const app = moduleRef.createNestApplication(adapter());

    const error = await app.init().then(() => undefined, (e: unknown) => e as Error);
    await app.close();

    expect(error).toBeInstanceOf(PoolFailedError);
    expect(error?.message).toBe('Pool "broken" failed: could not start its workers: connection refused');
    expect(healthy.status().state).toBe('stopped');
    expect(destroyed.sort()).toEqual([1, 2]);
    expect(registry.list()).toEqual([]);
  });

  it('fails bootstrap when a worker class dependency is not imported, naming the pool and the dependency', async () => {
    @Injectable()
    class NeedsJournal {
      constructor(readonly journal: WorkerJournal) {}
    }
    const moduleRef = await Test.createTestingModule({
      imports: [PoolModule.forFeature([{ name: 'forgetful', size: 1, worker: NeedsJournal }])],
    }).compile();

    const app = moduleRef.createNestApplication(adapter());

    const error = await app.init().then(() => undefined, (e: unknown) => e as Error);
    await app.close();

    expect(error).toBeInstanceOf(PoolFailedError);
    expect(error?.message).toMatch(
      /^Pool "forgetful" failed: could not start its workers: NeedsJournal injects a provider the pool's module cannot see: add the module exporting it to the pool's "imports"\. Nest can't resolve dependencies of the NeedsJournal \(\?\)\. Please make sure that the argument WorkerJournal/,
    );
  });
});
