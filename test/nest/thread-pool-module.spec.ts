import { once } from 'node:events';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, type INestApplication, Module, type ModuleMetadata, Param, ParseIntPipe, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  getPoolToken,
  InjectPool,
  PoolConfigError,
  PoolFailedError,
  PoolLease,
  PoolModule,
  PoolRegistry,
  PoolWorker,
  ProcessPool,
  ThreadPool,
  UsePoolWorker,
  WorkerAbortedError,
  WorkerExitError,
  WorkerLoadError,
  type Lease,
  type PoolDefinition,
  type ThreadWorker,
} from 'nestjs-pool';
import { HTTP_ADAPTERS } from './support/http-adapters.js';

/** A worker module without dependencies (it exports its functions), so plain Node runs it in tests. */
const MATH = new URL('../workers/fixtures/math.worker.mjs', import.meta.url);
const MATH_PATH = fileURLToPath(MATH);

/** What the tests call on math.worker.mjs (plain JS, so its types are written here). */
interface MathWorker {
  default(n: number): number;
  add(a: number, b: number): number;
  identity(): { threadId: number; pid: number };
  spin(state: { counter: Int32Array; port: MessagePort }): never;
  exit(code: number): never;
}

type MathThread = ThreadWorker<MathWorker>;

/** A thread's MessagePort keeps the event loop alive until the thread is gone. */
const threadPorts = (): number => process.getActiveResourcesInfo().filter((name) => name === 'MessagePort').length;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

@Controller('math')
class MathController {
  constructor(
    @InjectPool('squares') private readonly squares: ThreadPool<MathWorker>,
    @InjectPool('adders') private readonly adders: ThreadPool<MathWorker>,
    @InjectPool('forks') private readonly forks: ProcessPool<MathWorker>,
  ) {}

  @Get('square/:n')
  square(@Param('n', ParseIntPipe) n: number): Promise<number> {
    return this.squares.run(n);
  }

  @Get('add/:a/:b')
  add(@Param('a', ParseIntPipe) a: number, @Param('b', ParseIntPipe) b: number): Promise<number> {
    return this.adders.call('add', a, b);
  }

  @Get('fork')
  fork(): Promise<{ threadId: number; pid: number }> {
    return this.forks.call('identity');
  }
}

/** Declares its pools on its own: one with forFeature, one with forFeatureAsync and an injected setting. */
@Injectable()
class ForkSettings {
  readonly modulePath = MATH_PATH;
}

@Module({ providers: [ForkSettings], exports: [ForkSettings] })
class ForkSettingsModule {}

@Module({
  imports: [
    PoolModule.forFeature([{ name: 'adders', thread: { filename: MATH_PATH }, size: 2 }]),
    PoolModule.forFeatureAsync([
      {
        name: 'forks',
        imports: [ForkSettingsModule],
        inject: [ForkSettings],
        useFactory: (settings: ForkSettings) => ({ process: { modulePath: settings.modulePath }, size: 1 }),
      },
    ]),
  ],
  controllers: [MathController],
})
class MathModule {}

/** Lets the test see the spinning thread: the shared counter it increments, and its worker. */
@Injectable()
class SpinProbe {
  readonly counter = new Int32Array(new SharedArrayBuffer(4));
  readonly #started = new MessageChannel();
  /** Resolves once a thread spins, with its worker. */
  readonly spinning: Promise<MathThread>;
  #worker: ((worker: MathThread) => void) | undefined;
  /** What the handler's call failed with. */
  failure: unknown;

  constructor() {
    this.spinning = new Promise((resolve) => (this.#worker = resolve));
  }

  /** The port the thread says "spinning" on (moved to it), and the worker, noted when it does. */
  portFor(worker: MathThread): MessagePort {
    this.#started.port1.once('message', () => {
      this.#started.port1.close();
      this.#worker!(worker);
    });
    return this.#started.port2;
  }
}

@Controller('threads')
@UsePoolWorker('spinners', { timeout: 5000 })
class ThreadsController {
  constructor(private readonly probe: SpinProbe) {}

  /** CPU work until the client leaves: `lease.signal` terminates the thread. */
  @Get('spin')
  async spin(@PoolWorker() worker: MathThread, @PoolLease() lease: Lease<MathThread>): Promise<never> {
    const port = this.probe.portFor(worker);
    try {
      return await worker.run({ counter: this.probe.counter, port }, { method: 'spin', signal: lease.signal, transferList: [port] });
    } catch (error) {
      this.probe.failure = error;
      throw error;
    }
  }

  @Get('who')
  who(@PoolWorker() worker: MathThread): { worker: number; threadId: number } {
    return { worker: worker.id, threadId: worker.threadId };
  }

  /** The thread calls process.exit(3): the call fails, the pool replaces the thread. */
  @Post('crash')
  async crash(@PoolWorker() worker: MathThread): Promise<{ worker: number; exitCode: number | undefined; error: string }> {
    const error: unknown = await worker.call('exit', 3).catch((e: unknown) => e);
    if (!(error instanceof WorkerExitError)) throw error;
    return { worker: worker.id, exitCode: error.exitCode, error: error.message };
  }
}

@Module({
  imports: [PoolModule.forFeature([{ name: 'spinners', thread: { filename: MATH }, size: 1, maxOverflow: 0 }])],
  controllers: [ThreadsController],
  providers: [SpinProbe],
})
class ThreadsModule {}

/** Compiles the module graph (providers included) as bootstrap does; resolves with the error. */
async function compileError(imports: ModuleMetadata['imports']): Promise<Error> {
  try {
    await Test.createTestingModule({ imports }).compile();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected bootstrap to fail');
}

describe('thread and process pool definitions: mistakes fail bootstrap naming the pool and the option', () => {
  it('rejects bad thread and process options', async () => {
    const limits = await compileError([
      PoolModule.forFeature([{ name: 'limited', thread: { filename: MATH, resourceLimits: { maxOldGenerationSizeMb: -1 } } }]),
    ]);
    expect(limits).toBeInstanceOf(PoolConfigError);
    expect(limits.message).toBe('Pool "limited": option "thread.resourceLimits.maxOldGenerationSizeMb" must be a number > 0, got -1');

    const typo = await compileError([
      PoolModule.forRoot({ pools: [{ name: 'typo', thread: { file: MATH_PATH } as never }] }),
    ]);
    expect(typo.message).toBe('Pool "typo": option "thread.file" is not an option (known: filename, workerData, resourceLimits, env)');

    const path = await compileError([
      PoolModule.forFeatureAsync([{ name: 'pathless', useFactory: async () => ({ process: { modulePath: '' } }) }]),
    ]);
    expect(path.message).toBe('Pool "pathless": option "process.modulePath" must be the path or file: URL of the worker module, got ');

    const args = await compileError([PoolModule.forFeature([{ name: 'args', process: { modulePath: MATH, args: [1] as never } }])]);
    expect(args.message).toBe('Pool "args": option "process.args" must be an array of strings');
  });

  it('rejects a thread or process pool with a second worker source', async () => {
    const factory = { create: () => ({}) };
    const withFactory = await compileError([
      PoolModule.forFeature([{ name: 'mixed', factory, thread: { filename: MATH } } as unknown as PoolDefinition]),
    ]);
    expect(withFactory.message).toBe(
      'Pool "mixed": option "thread" cannot be combined with "factory": set only one of "factory", "worker", "thread" or "process"',
    );
    const both = await compileError([
      PoolModule.forFeature([{ name: 'both', thread: { filename: MATH }, process: { modulePath: MATH } } as unknown as PoolDefinition]),
    ]);
    expect(both.message).toMatch(/^Pool "both": option "process" cannot be combined with "thread"/);
  });

  it('fails bootstrap naming a module that cannot load, and stops the thread pools that did start', async () => {
    const before = threadPorts();
    const missing = fileURLToPath(new URL('./fixtures/no-such.worker.mjs', import.meta.url));
    const moduleRef = await Test.createTestingModule({
      imports: [
        PoolModule.forFeature([
          { name: 'fine', thread: { filename: MATH }, size: 2 },
          { name: 'missing', thread: { filename: missing }, size: 1 },
        ]),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });

    const error = await app.init().then(() => undefined, (e: unknown) => e);

    expect(error).toBeInstanceOf(PoolFailedError);
    expect((error as PoolFailedError).pool).toBe('missing');
    expect((error as Error).cause).toBeInstanceOf(WorkerLoadError);
    expect((error as Error).message).toContain(`option "thread.filename" names a module that failed to load (${missing})`);
    expect(moduleRef.get(PoolRegistry).list()).toEqual([]);
    expect(threadPorts()).toBe(before);
    await app.close();
  });
});

describe.each(HTTP_ADAPTERS)('thread and process pools in PoolModule on %s', (_, adapter) => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  /** Listens on a real port: a client that disconnects needs a real socket. */
  async function start(imports: ModuleMetadata['imports']): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({ imports }).compile();
    app = moduleRef.createNestApplication(adapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    return app;
  }

  it('injects a ThreadPool or ProcessPool with run and call, from forRoot, forFeature and forFeatureAsync', async () => {
    const started = await start([
      PoolModule.forRoot({
        isGlobal: true,
        defaults: { checkoutTimeout: 1234 },
        pools: [{ name: 'squares', thread: { filename: MATH }, size: 1, maxOverflow: 0 }],
      }),
      MathModule,
    ]);
    const server = started.getHttpServer();

    await request(server).get('/math/square/7').expect(200).expect('49');
    await request(server).get('/math/add/2/3').expect(200).expect('5');
    const { body: fork } = await request(server).get('/math/fork').expect(200);
    expect(fork.pid).not.toBe(process.pid);

    expect(started.get(getPoolToken('squares'))).toBeInstanceOf(ThreadPool);
    expect(started.get(getPoolToken('adders'))).toBeInstanceOf(ThreadPool);
    expect(started.get(getPoolToken('forks'))).toBeInstanceOf(ProcessPool);
    const statuses = started.get(PoolRegistry).list().map((pool) => [pool.name, pool.status().workers, pool.checkoutTimeout]);
    expect(statuses).toEqual([
      ['squares', 1, 1234],
      ['adders', 2, 1234],
      ['forks', 1, 1234],
    ]);
  });

  it('@UsePoolWorker: a client that disconnects mid-task terminates its thread, whose CPU work stops, and a fresh one replaces it', async () => {
    const started = await start([ThreadsModule]);
    const pool = started.get<ThreadPool<MathWorker>>(getPoolToken('spinners'));
    const probe = started.get(SpinProbe);
    const exited = once(pool, 'workerExit');
    const replaced = once(pool, 'workerStart');

    const client = http.get(`${await started.getUrl()}/threads/spin`);
    client.on('error', () => undefined); // it is destroyed on purpose
    const spinner = await probe.spinning;
    expect(Atomics.load(probe.counter, 0)).toBeGreaterThan(0);
    client.destroy();

    const [workerId, reason, error] = await exited;
    expect([workerId, reason]).toEqual([spinner.id, 'exited']);
    expect((error as Error).message).toBe(`Pool "spinners": worker ${spinner.id} exited: terminated because call "spin" was aborted`);
    expect(probe.failure).toBeInstanceOf(WorkerAbortedError);
    await spinner.closed; // the thread itself is gone
    const count = Atomics.load(probe.counter, 0);
    await replaced;

    const { body } = await request(started.getHttpServer()).get('/threads/who').expect(200);
    expect(body.worker).not.toBe(spinner.id);
    expect(body.threadId).not.toBe(spinner.threadId);
    expect(Atomics.load(probe.counter, 0)).toBe(count); // nobody counted since
    expect(pool.status()).toMatchObject({ workers: 1, busy: 0, waiting: 0, restarts: 1 });
  });

  it('@UsePoolWorker: a thread that exits mid-call fails that call only, and the pool is back to size', async () => {
    const started = await start([ThreadsModule]);
    const pool = started.get<ThreadPool<MathWorker>>(getPoolToken('spinners'));
    const server = started.getHttpServer();
    const { body: before } = await request(server).get('/threads/who').expect(200);
    const replaced = once(pool, 'workerStart');

    const { body: crash } = await request(server).post('/threads/crash').expect(201);

    expect(crash).toEqual({ worker: before.worker, exitCode: 3, error: `Pool "spinners": worker ${before.worker} exited: exit code 3` });
    const [replacement] = await replaced;
    expect(pool.status()).toMatchObject({ workers: 1, idle: 1, restarts: 1 });
    const { body: after } = await request(server).get('/threads/who').expect(200);
    expect(after.worker).toBe(replacement);
  });

  it('leaves no thread and no child process behind once the application is closed', async () => {
    const before = threadPorts();
    const started = await start([PoolModule.forRoot({ isGlobal: true, pools: [{ name: 'squares', thread: { filename: MATH }, size: 2 }] }), MathModule]);
    const forks = started.get<ProcessPool<MathWorker>>(getPoolToken('forks'));
    const { pid } = await forks.call('identity');
    expect(threadPorts()).toBe(before + 4); // squares 2, adders 2
    expect(isRunning(pid)).toBe(true);

    await started.close();
    app = undefined;

    expect(threadPorts()).toBe(before);
    expect(isRunning(pid)).toBe(false);
  });
});
