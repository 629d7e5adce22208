import { describe, expect, it } from '@jest/globals';
import { Controller, Get, type ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { fileURLToPath } from 'node:url';
import {
  Pool,
  PoolError,
  PoolModule,
  PoolRegistry,
  PoolWorker,
  ProcessPool,
  ThreadPool,
  UsePoolWorker,
  type PoolDefinition,
  type PoolOptions,
} from 'nestjs-pool';
import { activeResources, leftBehind, settle } from './support/resources.js';

/**
 * The end-to-end view of configuration mistakes: one row per mistake a user makes, and the error
 * each way of declaring a pool answers with. Each option's rules are tested in
 * test/core/pool-options.spec.ts, test/workers/worker-options.spec.ts and
 * test/nest/pool-bootstrap-errors.spec.ts; here the point is that every entry point fails, at
 * construction or bootstrap, with a message naming the pool and the option, and never hangs.
 */

/** When the mistake surfaces: building the engine's pool, `start()`, calling `forRoot`/`forFeature`, compiling the module graph, or `app.init()`. */
type Stage = 'construction' | 'start' | 'declaration' | 'compile' | 'init';

interface Failure {
  stage: Stage;
  error: unknown;
}

interface Entry {
  /** The entry point, as the user writes it. */
  via: string;
  attempt: () => Promise<Failure | undefined>;
  stage: Stage;
  message: string;
  /** When this entry point names another option than the row's (the module says "worker" where the engine says "factory"). */
  option?: string;
}

interface Row {
  mistake: string;
  /** The pool and the option the error names. */
  pool: string;
  option: string;
  entries: Entry[];
}

const factory = { create: () => ({}) };
const MISSING_MODULE = fileURLToPath(new URL('./fixtures/no-such.worker.mjs', import.meta.url));
/** Far longer than any of these failures takes; past it the attempt counts as hung. */
const HANG_MS = 10_000;

function bounded<T>(promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const hung = new Promise<never>((_, reject) => (timer = setTimeout(reject, HANG_MS, new Error(`hung for ${HANG_MS} ms`))));
  return Promise.race([promise, hung]).finally(() => clearTimeout(timer));
}

/** The engine: `make()` builds the pool (construction), then `start()` runs. */
function engine(make: () => Pool<any>): () => Promise<Failure | undefined> {
  return async () => {
    let pool: Pool<any>;
    try {
      pool = make();
    } catch (error) {
      return { stage: 'construction', error };
    }
    try {
      await bounded(pool.start());
    } catch (error) {
      return { stage: 'start', error };
    } finally {
      await pool.stop({ timeout: 0 });
    }
    return undefined;
  };
}

/** A Nest application: `imports()` is the module declaration, then compile, then `app.init()` (bootstrap). */
function nest(imports: () => ModuleMetadata['imports'], controllers: () => ModuleMetadata['controllers'] = () => []): () => Promise<Failure | undefined> {
  return async () => {
    let metadata: ModuleMetadata;
    try {
      metadata = { imports: imports(), controllers: controllers() };
    } catch (error) {
      return { stage: 'declaration', error };
    }
    let app;
    try {
      app = (await bounded(Test.createTestingModule(metadata).compile())).createNestApplication({ logger: false });
    } catch (error) {
      return { stage: 'compile', error };
    }
    try {
      await bounded(app.init());
    } catch (error) {
      return { stage: 'init', error };
    } finally {
      await app.close();
    }
    return undefined;
  };
}

/** An option mistake, the same through the engine and through forRoot / forFeature. */
function optionRow(mistake: string, definition: Record<string, unknown>, option: string, problem: string): Row {
  const pool = 'db';
  const message = `Pool "${pool}": option "${option}" ${problem}`;
  const full = { name: pool, factory, ...definition } as PoolDefinition;
  return {
    mistake,
    pool,
    option,
    entries: [
      { via: 'new Pool()', attempt: engine(() => new Pool(full as PoolOptions<unknown>)), stage: 'construction', message },
      { via: 'PoolModule.forRoot', attempt: nest(() => [PoolModule.forRoot({ pools: [full] })]), stage: 'compile', message },
      { via: 'PoolModule.forFeature', attempt: nest(() => [PoolModule.forFeature([full])]), stage: 'compile', message },
    ],
  };
}

/** A worker module that is not there, for a thread or a process pool. */
function missingModuleRow(kind: 'thread' | 'process'): Row {
  const option = kind === 'thread' ? 'thread.filename' : 'process.modulePath';
  const source = kind === 'thread' ? { thread: { filename: MISSING_MODULE } } : { process: { modulePath: MISSING_MODULE, execArgv: [] } };
  const definition = { name: 'db', size: 1, ...source } as PoolDefinition;
  const message = `Pool "db" failed: could not start its workers: Pool "db": option "${option}" names a module that failed to load (${MISSING_MODULE})`;
  const make = (): Pool<any> => (kind === 'thread' ? new ThreadPool(definition as never) : new ProcessPool(definition as never));
  return {
    mistake: `a ${kind} worker module that does not exist`,
    pool: 'db',
    option,
    entries: [
      { via: `new ${kind === 'thread' ? 'ThreadPool' : 'ProcessPool'}()`, attempt: engine(make), stage: 'start', message },
      { via: 'PoolModule.forRoot', attempt: nest(() => [PoolModule.forRoot({ pools: [definition] })]), stage: 'init', message },
      { via: 'PoolModule.forFeature', attempt: nest(() => [PoolModule.forFeature([definition])]), stage: 'init', message },
    ],
  };
}

const TABLE: Row[] = [
  optionRow('a negative size', { size: -1 }, 'size', 'must be an integer >= 0, got -1'),
  optionRow('a fractional size', { size: 2.5 }, 'size', 'must be an integer >= 0, got 2.5'),
  optionRow('a fractional maxOverflow', { maxOverflow: 0.5 }, 'maxOverflow', 'must be an integer >= 0, got 0.5'),
  optionRow('NaN (a Number() of a bad string)', { checkoutTimeout: Number.NaN }, 'checkoutTimeout', 'must be a number from 0 to 2147483647 (or Infinity), got NaN'),
  optionRow('a string (an environment variable used as is)', { size: '4' }, 'size', 'must be an integer >= 0, got "4"'),
  optionRow('an unknown strategy', { strategy: 'random' }, 'strategy', 'must be "lifo" or "fifo", got "random"'),
  optionRow('a misspelt option', { maxOverFlow: 2 }, 'maxOverFlow', 'is not a pool option (known: name, factory, size, maxOverflow, strategy, checkoutTimeout, maxWaiting, createTimeout, restart, overflowTtl, leaseTimeout)'),
  {
    mistake: 'a missing factory',
    pool: 'db',
    option: 'worker',
    entries: [
      {
        via: 'new Pool()',
        attempt: engine(() => new Pool({ name: 'db' } as PoolOptions<unknown>)),
        stage: 'construction',
        message: 'Pool "db": option "factory" is required: { create(ctx), destroy?, validate? }',
        option: 'factory',
      },
      {
        via: 'PoolModule.forRoot',
        attempt: nest(() => [PoolModule.forRoot({ pools: [{ name: 'db' } as PoolDefinition] })]),
        stage: 'compile',
        message: 'Pool "db": option "worker" is missing: set "factory", "worker", "thread" or "process"',
      },
      {
        via: 'PoolModule.forFeature',
        attempt: nest(() => [PoolModule.forFeature([{ name: 'db' } as PoolDefinition])]),
        stage: 'compile',
        message: 'Pool "db": option "worker" is missing: set "factory", "worker", "thread" or "process"',
      },
    ],
  },
  {
    mistake: 'a missing name',
    pool: '<unnamed>',
    option: 'name',
    entries: [
      {
        via: 'new Pool()',
        attempt: engine(() => new Pool({ factory } as unknown as PoolOptions<unknown>)),
        stage: 'construction',
        message: 'Pool "<unnamed>": option "name" must be a non-empty string',
      },
      {
        via: 'PoolModule.forRoot',
        attempt: nest(() => [PoolModule.forRoot({ pools: [{ factory } as unknown as PoolDefinition] })]),
        stage: 'declaration',
        message: 'Pool "<unnamed>": option "name" must be a non-empty string (in PoolModule.forRoot)',
      },
      {
        via: 'PoolModule.forFeature',
        attempt: nest(() => [PoolModule.forFeature([{ factory } as unknown as PoolDefinition])]),
        stage: 'declaration',
        message: 'Pool "<unnamed>": option "name" must be a non-empty string (in PoolModule.forFeature)',
      },
    ],
  },
  {
    mistake: 'one name for two pools',
    pool: 'db',
    option: 'name',
    entries: [
      {
        via: 'PoolRegistry.register',
        attempt: engine(() => {
          const registry = new PoolRegistry();
          registry.register(new Pool({ name: 'db', factory }));
          return registry.register(new Pool({ name: 'db', factory }));
        }),
        stage: 'construction',
        message: 'Pool "db": option "name" is already taken by another pool; pool names must be unique',
      },
      {
        via: 'PoolModule.forRoot + forFeature',
        attempt: nest(() => [PoolModule.forRoot({ pools: [{ name: 'db', factory }] }), PoolModule.forFeature([{ name: 'db', factory }])]),
        stage: 'compile',
        message: 'Pool "db": option "name" is already taken by another pool; pool names must be unique',
      },
      {
        via: 'PoolModule.forFeature',
        attempt: nest(() => [PoolModule.forFeature([{ name: 'db', factory }, { name: 'db', factory }])]),
        stage: 'declaration',
        message: 'Pool "db": option "name" is declared twice in one PoolModule.forFeature',
      },
    ],
  },
  missingModuleRow('thread'),
  missingModuleRow('process'),
  {
    mistake: '@PoolWorker() on a handler without @UsePoolWorker',
    pool: '<none>', // no pool is named anywhere on that handler; the message says which handler
    option: '@PoolWorker()',
    entries: [
      {
        via: 'PoolModule.forRoot',
        attempt: nest(
          () => [PoolModule.forRoot({ pools: [{ name: 'db', factory }] })],
          () => {
            @Controller('reports')
            class ReportsController {
              @Get()
              render(@PoolWorker() worker: object): object {
                return worker;
              }
            }
            return [ReportsController];
          },
        ),
        stage: 'init',
        message: 'Pool "<none>": option "@PoolWorker()" is used on ReportsController.render without @UsePoolWorker(poolName) on that handler or its class',
      },
    ],
  },
  {
    mistake: 'a negative timeout on @UsePoolWorker',
    pool: 'db',
    option: 'timeout',
    entries: [
      {
        via: '@UsePoolWorker',
        attempt: nest(
          () => [PoolModule.forRoot({ pools: [{ name: 'db', factory }] })],
          () => {
            @Controller('reports')
            class ReportsController {
              @Get()
              @UsePoolWorker('db', { timeout: -1 })
              render(@PoolWorker() worker: object): object {
                return worker;
              }
            }
            return [ReportsController];
          },
        ),
        stage: 'declaration',
        message: 'Pool "db": option "timeout" of @UsePoolWorker must be a number >= 0, got -1',
      },
    ],
  },
];

describe('bad input: one row per mistake, the error every entry point answers with', () => {
  it.each(TABLE.map((row) => [row.mistake, row] as const))('%s', async (_, row) => {
    const before = activeResources();
    for (const entry of row.entries) {
      const failure = await entry.attempt();
      // Not swallowed: it fails where it should, as a PoolError naming the pool and the option.
      expect({ via: entry.via, stage: failure?.stage }).toEqual({ via: entry.via, stage: entry.stage });
      const error = failure!.error as PoolError;
      expect({ via: entry.via, isPoolError: error instanceof PoolError, pool: error.pool }).toEqual({ via: entry.via, isPoolError: true, pool: row.pool });
      expect({ via: entry.via, message: error.message.slice(0, entry.message.length) }).toEqual({ via: entry.via, message: entry.message });
      const option = entry.option ?? row.option;
      expect(error.message).toContain(`option "${option}"`);
      // The option is also a property: of the error, or of its cause when the pool failed to start.
      const named = (error as { option?: string }).option ?? (error.cause as { option?: string } | undefined)?.option;
      expect({ via: entry.via, option: named }).toEqual({ via: entry.via, option });
    }
    // A pool that got as far as starting workers left none behind: no child process, no socket, no timer.
    await settle(() => leftBehind(before, activeResources()).length === 0, 2_000);
    expect(leftBehind(before, activeResources())).toEqual([]);
  });
});
