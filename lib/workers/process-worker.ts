import { fork, type ChildProcess } from 'node:child_process';
import type { WorkerContext } from '../core/index.js';
import { RemoteWorker } from './remote-worker.js';
import type { ResolvedProcessWorkerOptions } from './resolve-worker-options.js';
import { workerBootstrap } from './worker-bootstrap.js';
import type { WorkerFunctions } from './worker-functions.interface.js';
import type { CallMessage } from './worker-protocol.interface.js';

/** A pool worker that is a child process forked on the pool's `process.modulePath`. */
export class ProcessWorker<T extends object = WorkerFunctions> extends RemoteWorker<T> {
  /** The child's process id. */
  readonly pid: number;
  /** The worker module's absolute path. */
  readonly modulePath: string;
  readonly #child: ChildProcess;

  private constructor(ctx: WorkerContext, options: ResolvedProcessWorkerOptions) {
    super(ctx, 'process.modulePath', options.modulePath);
    this.modulePath = options.modulePath;
    // `node --eval <bootstrap> <modulePath> ...args`: the child's process.argv is exactly a fork's.
    this.#child = fork(options.modulePath, options.args, {
      execArgv: [...(options.execArgv ?? process.execArgv), '--eval', workerBootstrap(options.url)],
      env: options.env,
      serialization: 'advanced', // structured clone, as with threads
    });
    this.pid = this.#child.pid ?? -1; // -1: it never spawned, and so never reaches the pool
    this.#child
      .on('message', (message: unknown) => this.receive(message))
      .on('error', (error) => {
        // It could not spawn: 'close' follows. Other errors (a send to a dying child) precede its 'close'.
        if (this.#child.pid === undefined) this.crashed(error);
      })
      // 'close', not 'exit': it comes after the last message, so a crash report is never missed.
      .on('close', (code, signal) => this.exited(code === null ? `killed by ${signal}` : `exit code ${code}`, code ?? undefined));
  }

  /** @internal Forks a child; resolves once its module loaded. */
  static start<T extends object>(ctx: WorkerContext, options: ResolvedProcessWorkerOptions): Promise<ProcessWorker<T>> {
    return new ProcessWorker<T>(ctx, options).loaded(ctx.signal);
  }

  /** @internal */
  protected post(message: CallMessage): void {
    this.#child.send(message);
  }

  /** @internal */
  protected kill(): void {
    this.#child.kill('SIGKILL');
  }
}
