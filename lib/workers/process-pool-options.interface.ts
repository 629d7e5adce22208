import type { PoolOptions } from '../core/index.js';
import type { ProcessWorker } from './process-worker.js';
import type { WorkerFunctions } from './worker-functions.interface.js';

/** A pool of child processes: each pool worker is one `child_process.fork` of `modulePath`. */
export interface ProcessWorkerOptions {
  /**
   * The worker module (.js/.mjs/.cjs): an absolute path or a `file:` URL (a relative path is
   * resolved against the working directory). It calls `defineWorker`, or exports its functions.
   */
  modulePath: string | URL;
  /** The child's `process.argv` after the module path. */
  args?: readonly string[];
  /** Node options of the child, e.g. `['--max-old-space-size=256']`. Default: the parent's. */
  execArgv?: readonly string[];
  /** The child's environment, as `fork`'s `env` (it replaces the parent's). Default: the parent's. */
  env?: NodeJS.ProcessEnv;
}

/** `new ProcessPool(options)`: the engine's pool options with `process` instead of `factory`. */
export interface ProcessPoolOptions<T extends object = WorkerFunctions> extends Omit<PoolOptions<ProcessWorker<T>>, 'factory'> {
  process: ProcessWorkerOptions;
}
