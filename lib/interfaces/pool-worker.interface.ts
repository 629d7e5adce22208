import type { DestroyReason, WorkerContext } from '../core/index.js';

/** A class worker's set-up, run after construction and before the worker is first lent. */
export interface OnWorkerInit {
  /** Keep `ctx.exit` to report the worker's own death; `ctx.signal` aborts if the pool gives up on it. */
  onWorkerInit(ctx: WorkerContext): void | Promise<void>;
}

/** A class worker's tear-down, run exactly once when the pool destroys it. */
export interface OnWorkerDestroy {
  onWorkerDestroy(reason: DestroyReason): void | Promise<void>;
}
