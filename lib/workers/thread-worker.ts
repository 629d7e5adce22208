import { Worker, type TransferListItem, type WorkerOptions } from 'node:worker_threads';
import type { WorkerContext } from '../core/index.js';
import { RemoteWorker } from './remote-worker.js';
import type { ResolvedThreadWorkerOptions } from './resolve-worker-options.js';
import { toLocalError } from './wire-error.js';
import { workerBootstrap } from './worker-bootstrap.js';
import type { WorkerFunctions } from './worker-functions.interface.js';
import type { CallMessage } from './worker-protocol.interface.js';

/** A pool worker that is a `worker_threads` thread running the pool's `thread.filename`. */
export class ThreadWorker<T extends object = WorkerFunctions> extends RemoteWorker<T> {
  /** The thread's `threadId`. */
  readonly threadId: number;
  /** The worker module's absolute path. */
  readonly filename: string;
  readonly #thread: Worker;

  private constructor(ctx: WorkerContext, options: ResolvedThreadWorkerOptions) {
    super(ctx, 'thread.filename', options.filename);
    this.filename = options.filename;
    const workerOptions: WorkerOptions = { eval: true, workerData: options.workerData };
    if (options.resourceLimits !== undefined) workerOptions.resourceLimits = options.resourceLimits;
    if (options.env !== undefined) workerOptions.env = options.env;
    this.#thread = new Worker(workerBootstrap(options.url), workerOptions);
    this.threadId = this.#thread.threadId;
    this.#thread
      .on('message', (message: unknown) => this.receive(message))
      .on('error', (error) => this.crashed(toLocalError(error))) // uncaught, or out of its resourceLimits; 'exit' follows
      .on('messageerror', (error) => {
        this.crashed(toLocalError(error)); // a reply that cannot be read would leave its call hanging
        this.kill();
      })
      .on('exit', (code) => this.exited(`exit code ${code}`, code));
  }

  /** @internal Starts a thread; resolves once its module loaded. */
  static start<T extends object>(ctx: WorkerContext, options: ResolvedThreadWorkerOptions): Promise<ThreadWorker<T>> {
    return new ThreadWorker<T>(ctx, options).loaded(ctx.signal);
  }

  /** @internal */
  protected post(message: CallMessage, transferList: readonly TransferListItem[] | undefined): void {
    this.#thread.postMessage(message, transferList);
  }

  /** @internal */
  protected kill(): void {
    void this.#thread.terminate();
  }
}
