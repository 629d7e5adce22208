import { Pool, PoolConfigError, type PoolOptions, type WorkerFactory } from '../core/index.js';
import type { RemoteWorker } from './remote-worker.js';
import type { RunOptions } from './run-options.interface.js';
import type { WorkerArgs, WorkerFunctions, WorkerMethod, WorkerResult } from './worker-functions.interface.js';

/**
 * A pool of thread or process workers, with the one-call transaction on top of the engine:
 * check a worker out, call it, check it back in (or, if the call killed it, let it be replaced).
 */
export class WorkerPool<T extends object = WorkerFunctions, W extends RemoteWorker<T> = RemoteWorker<T>> extends Pool<W> {
  /** `method(...args)` on a worker checked out for the call. */
  call<K extends WorkerMethod<T>>(method: K, ...args: WorkerArgs<T, K>): Promise<WorkerResult<T, K>> {
    return this.use((worker) => worker.call(method, ...args));
  }

  /**
   * The default function (or `options.method`) with `data`, on a worker checked out for the
   * call; `options.signal` also cancels the wait for a worker.
   */
  run<K extends WorkerMethod<T> = 'default' & WorkerMethod<T>>(
    data: WorkerArgs<T, K>[0],
    options?: RunOptions<K>,
  ): Promise<WorkerResult<T, K>> {
    const signal = options?.signal;
    return this.use((worker) => worker.run(data, options), signal === undefined ? undefined : { signal });
  }
}

/** @internal `{ ...poolOptions, [source]: workerOptions }` as engine options with the source's factory. */
export function withWorkerFactory<W>(
  options: object,
  source: 'thread' | 'process',
  factory: (pool: string, workerOptions: any) => WorkerFactory<W>,
): PoolOptions<W> {
  if (options === null || typeof options !== 'object') return options; // the engine says what is wrong
  const { [source]: workerOptions, ...poolOptions } = options as Record<string, unknown>;
  const name = poolOptions['name'];
  if (typeof name !== 'string') return poolOptions as unknown as PoolOptions<W>; // likewise
  if ('factory' in poolOptions) throw new PoolConfigError(name, 'factory', `cannot be combined with "${source}"`);
  return { ...poolOptions, name, factory: factory(name, workerOptions) } as PoolOptions<W>;
}
