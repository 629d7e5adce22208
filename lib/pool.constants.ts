/** Token of the options given to `PoolModule.forRoot` / `forRootAsync`. */
export const POOL_MODULE_OPTIONS = 'PoolModuleOptions';

/** Token of the pools an async `forRootAsync` factory declares (registered, not injectable by name). */
export const POOL_ROOT_ASYNC_POOLS = 'PoolRootAsyncPools';

/** How long shutdown waits for in-flight work before destroying workers, in ms. */
export const DEFAULT_SHUTDOWN_TIMEOUT = 5000;
