import { PoolConfigError, WorkerExitError } from '../core/index.js';

/**
 * The worker module of a thread or process pool could not load (a missing file, a syntax error,
 * a throw at top level, no function to offer), or its thread or process died while it loaded.
 * `create` rejects with it, so `start()` fails at once instead of looping on restarts.
 */
export class WorkerLoadError extends PoolConfigError {
  constructor(
    pool: string,
    option: string,
    readonly filename: string,
    problem: string,
    cause?: unknown,
  ) {
    super(pool, option, `names a module that failed to load (${filename}): ${problem}`);
    if (cause !== undefined) this.cause = cause;
  }
}

/** A call ran longer than its `timeout`: its thread or process was terminated and is replaced. */
export class WorkerTimeoutError extends WorkerExitError {
  constructor(
    pool: string,
    workerId: number,
    readonly method: string,
    readonly timeout: number,
  ) {
    super(pool, workerId, `terminated because call "${method}" took longer than ${timeout} ms`);
  }
}

/** A call's signal aborted (its client left): its thread or process was terminated and is replaced. */
export class WorkerAbortedError extends WorkerExitError {
  constructor(
    pool: string,
    workerId: number,
    readonly method: string,
    /** The signal's `reason`. */
    readonly abortReason: unknown,
  ) {
    super(pool, workerId, `terminated because call "${method}" was aborted`);
  }
}
