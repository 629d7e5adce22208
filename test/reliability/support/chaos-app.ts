import {
  Controller,
  type DynamicModule,
  Get,
  HttpException,
  Injectable,
  InternalServerErrorException,
  Module,
  Param,
  ParseIntPipe,
  Query,
} from '@nestjs/common';
import { fileURLToPath } from 'node:url';
import {
  PoolLease,
  PoolModule,
  PoolWorker,
  processWorkerFactory,
  threadWorkerFactory,
  UsePoolWorker,
  WorkerAbortedError,
  WorkerExitError,
  type Lease,
  type OnWorkerDestroy,
  type OnWorkerInit,
  type RemoteWorker,
  type WorkerContext,
  type WorkerFactory,
} from 'nestjs-pool';
import type { Prng } from './prng.js';

export const CHAOS_WORKER = fileURLToPath(new URL('../fixtures/chaos.worker.mjs', import.meta.url));

export type RemotePoolName = 'threads' | 'procs';
export type ChaosPoolName = 'clients' | RemotePoolName;

/** Sizes of the chaos app's pools: small, so that a few dozen clients keep them full. */
export const CHAOS_POOLS = {
  clients: { size: 3, maxOverflow: 2, maxWaiting: 16 },
  threads: { size: 2, maxOverflow: 1, overflowTtl: 100 },
  procs: { size: 1, maxOverflow: 0 },
} as const;

/** Checkout waits of the routes, in ms. `impatient` is there to make checkouts time out. */
export const CHECKOUT_TIMEOUTS = { patient: 50, impatient: 1, threads: 500, procs: 1000 } as const;

/** A client that hung up: Nest still "answers", to a closed socket, so this status is never seen. */
const CLIENT_LEFT = 499;

/**
 * What the server injected and saw, to compare with the pools' own counters afterwards. Every
 * fault is counted where it is injected, not from the pool's events, so the comparison is
 * independent of the engine's bookkeeping.
 */
export class FaultLedger {
  /** Create failures are injected only once the app runs: a create failing in `start()` fails the pool, by design. */
  armed = false;
  /** Class workers that failed `onWorkerInit` on purpose. */
  createFailures = 0;
  /** `ctx.exit()` calls on live class workers: mid-request, or by the test's monkey. */
  workerExits = 0;
  /** Calls that end their thread or process: tasks that call `process.exit`, and calls aborted by a client who left. */
  readonly kills: Record<RemotePoolName, number> = { threads: 0, procs: 0 };
  /** Tasks that threw in their thread or process (the worker stays). */
  taskThrows = 0;
  /** Requests whose client left while the request held a worker. */
  readonly servedAborts: Record<ChaosPoolName, number> = { clients: 0, threads: 0, procs: 0 };
  readonly liveClients = new Set<ChaosClient>();
  /** Thread and process workers whose thread or process has not ended yet. */
  readonly liveRemote = new Set<RemoteWorker>();
  /** Workers made, and destroyed; made but not destroyed yet, by `pool#id`; destroys of a worker already destroyed. */
  made = 0;
  destroyed = 0;
  readonly undestroyed = new Set<string>();
  destroyedAgain = 0;

  constructor(
    readonly prng: Prng,
    readonly createFailureRate: number,
  ) {}

  /** The monkey: a random live class worker reports its own death, idle or busy. */
  crashRandomClient(): boolean {
    if (this.liveClients.size === 0) return false;
    return this.prng.pick([...this.liveClients]).crash(new Error('injected: killed by the monkey'));
  }

  recordMade(pool: string, id: number): void {
    this.made++;
    this.undestroyed.add(`${pool}#${id}`);
  }

  recordDestroy(pool: string, id: number): void {
    this.destroyed++;
    if (!this.undestroyed.delete(`${pool}#${id}`)) this.destroyedAgain++;
  }
}

/** A class worker standing for an upstream session, which the chaos run kills at random. */
@Injectable()
export class ChaosClient implements OnWorkerInit, OnWorkerDestroy {
  #ctx!: WorkerContext;

  constructor(private readonly ledger: FaultLedger) {}

  get id(): number {
    return this.#ctx.id;
  }

  async onWorkerInit(ctx: WorkerContext): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve)); // opening a session takes a turn of the loop
    if (this.ledger.armed && this.ledger.prng.chance(this.ledger.createFailureRate)) {
      this.ledger.createFailures++;
      throw new Error('injected: connection refused');
    }
    this.#ctx = ctx;
    this.ledger.recordMade(ctx.pool, ctx.id);
    this.ledger.liveClients.add(this);
  }

  onWorkerDestroy(): void {
    this.ledger.liveClients.delete(this);
    this.ledger.recordDestroy(this.#ctx.pool, this.#ctx.id);
  }

  /** Reports its own death, as a session whose socket closed would; true if it was alive. */
  crash(reason: Error): boolean {
    if (!this.ledger.liveClients.has(this)) return false;
    this.ledger.workerExits++;
    this.#ctx.exit(reason);
    return true;
  }
}

@Module({})
class LedgerModule {}

@Module({})
class ChaosAppModule {}

@Controller('clients')
class ClientsController {
  constructor(private readonly ledger: FaultLedger) {}

  @Get('patient/:ms')
  @UsePoolWorker('clients', { timeout: CHECKOUT_TIMEOUTS.patient })
  patient(
    @Param('ms', ParseIntPipe) ms: number,
    @Query('fault') fault: string | undefined,
    @PoolWorker() client: ChaosClient,
    @PoolLease() lease: Lease<ChaosClient>,
  ): Promise<object> {
    return this.#serve(ms, fault, client, lease);
  }

  @Get('impatient/:ms')
  @UsePoolWorker('clients', { timeout: CHECKOUT_TIMEOUTS.impatient })
  impatient(
    @Param('ms', ParseIntPipe) ms: number,
    @Query('fault') fault: string | undefined,
    @PoolWorker() client: ChaosClient,
    @PoolLease() lease: Lease<ChaosClient>,
  ): Promise<object> {
    return this.#serve(ms, fault, client, lease);
  }

  /** Works for `ms` on the session; `fault=crash` kills the session halfway. */
  async #serve(ms: number, fault: string | undefined, client: ChaosClient, lease: Lease<ChaosClient>): Promise<object> {
    try {
      await sleep(ms / 2, lease.signal);
      if (fault === 'crash') client.crash(new Error('injected: session lost mid-request'));
      await sleep(ms / 2, lease.signal);
      return { pool: 'clients', worker: client.id };
    } catch (error) {
      throw failure(this.ledger, 'clients', lease, error);
    }
  }
}

@Controller('remote')
class RemoteController {
  constructor(private readonly ledger: FaultLedger) {}

  @Get('threads/:n')
  @UsePoolWorker('threads', { timeout: CHECKOUT_TIMEOUTS.threads })
  thread(
    @Param('n', ParseIntPipe) n: number,
    @Query('fault') fault: string | undefined,
    @PoolWorker() worker: RemoteWorker,
    @PoolLease() lease: Lease<RemoteWorker>,
  ): Promise<object> {
    return this.#run('threads', n, fault, worker, lease);
  }

  @Get('procs/:n')
  @UsePoolWorker('procs', { timeout: CHECKOUT_TIMEOUTS.procs })
  proc(
    @Param('n', ParseIntPipe) n: number,
    @Query('fault') fault: string | undefined,
    @PoolWorker() worker: RemoteWorker,
    @PoolLease() lease: Lease<RemoteWorker>,
  ): Promise<object> {
    return this.#run('procs', n, fault, worker, lease);
  }

  /** Runs the task in the thread or process; `lease.signal` ends the call (and its worker) if the client leaves. */
  async #run(pool: RemotePoolName, n: number, fault: string | undefined, worker: RemoteWorker, lease: Lease<RemoteWorker>): Promise<object> {
    if (lease.signal.aborted) throw failure(this.ledger, pool, lease, lease.signal.reason); // the call never starts
    if (fault === 'exit') this.ledger.kills[pool]++;
    if (fault === 'throw') this.ledger.taskThrows++;
    try {
      return { pool, worker: worker.id, result: await worker.run({ n, fault }, { signal: lease.signal }) };
    } catch (error) {
      // An aborted call terminates its worker; an `exit` task's worker was counted already.
      if (error instanceof WorkerAbortedError && fault !== 'exit') this.ledger.kills[pool]++;
      throw failure(this.ledger, pool, lease, error);
    }
  }
}

/**
 * The response for a request that did not complete: 499 (to a closed socket) when its client
 * left, a deliberate 500 naming the injected fault, else the error itself (an unexpected 500).
 */
function failure(ledger: FaultLedger, pool: ChaosPoolName, lease: Lease<unknown>, error: unknown): unknown {
  if (error instanceof WorkerAbortedError || (lease.signal.aborted && !(lease.signal.reason instanceof WorkerExitError))) {
    ledger.servedAborts[pool]++;
    return new HttpException('the client left', CLIENT_LEFT);
  }
  if (error instanceof WorkerExitError) return new InternalServerErrorException({ fault: 'worker-crashed', pool });
  if ((error as { code?: unknown } | undefined)?.code === 'E_CHAOS_TASK') {
    return new InternalServerErrorException({ fault: 'task-threw', pool });
  }
  return error;
}

/** Waits `ms`; rejects with the signal's reason as soon as it aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Counts every thread or process worker made and destroyed, around the library's own factory. */
function tracked(pool: RemotePoolName, factory: WorkerFactory<RemoteWorker>, ledger: FaultLedger): WorkerFactory<RemoteWorker> {
  return {
    create: async (ctx) => {
      const worker = await factory.create(ctx);
      ledger.liveRemote.add(worker);
      void worker.closed.then(() => ledger.liveRemote.delete(worker));
      ledger.recordMade(pool, worker.id);
      return worker;
    },
    destroy: (worker, reason) => {
      ledger.recordDestroy(pool, worker.id);
      return factory.destroy!(worker, reason);
    },
  };
}

/**
 * An app like the sample: class workers behind `@UsePoolWorker`, plus a thread pool and a process
 * pool of the same task module, all with a restart intensity loose enough to take the storm.
 */
export function chaosModule(ledger: FaultLedger): DynamicModule {
  const ledgerModule: DynamicModule = { module: LedgerModule, providers: [{ provide: FaultLedger, useValue: ledger }], exports: [FaultLedger] };
  return {
    module: ChaosAppModule,
    imports: [
      ledgerModule,
      PoolModule.forRoot({
        shutdownTimeout: 2_000,
        defaults: { restart: { maxRestarts: 100_000, withinMs: 1_000, backoff: 5 } },
        pools: [
          { name: 'clients', worker: ChaosClient, imports: [ledgerModule], ...CHAOS_POOLS.clients },
          {
            name: 'threads',
            factory: tracked('threads', threadWorkerFactory('threads', { filename: CHAOS_WORKER }), ledger),
            ...CHAOS_POOLS.threads,
          },
          {
            name: 'procs',
            // execArgv: not jest's --experimental-vm-modules, which would only print a warning.
            factory: tracked('procs', processWorkerFactory('procs', { modulePath: CHAOS_WORKER, execArgv: [] }), ledger),
            ...CHAOS_POOLS.procs,
          },
        ],
      }),
    ],
    controllers: [ClientsController, RemoteController],
  };
}
