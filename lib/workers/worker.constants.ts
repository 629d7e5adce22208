/**
 * `Symbol.for` key under which a thread or child process's bootstrap listens for `defineWorker`.
 * A registered symbol, so the worker module's copy of the package finds it across module graphs.
 */
export const DEFINE_WORKER_KEY = 'nestjs-pool.defineWorker';
