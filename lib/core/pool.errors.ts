/** Stable, machine-readable error codes; `code` never changes between releases. */
export type PoolErrorCode =
  | 'POOL_TIMEOUT'
  | 'POOL_FULL'
  | 'POOL_STOPPED'
  | 'POOL_FAILED'
  | 'POOL_CONFIG'
  | 'POOL_NOT_FOUND'
  | 'POOL_ABORTED'
  | 'WORKER_EXIT'
  | 'LEASE_TIMEOUT';

/** Base class of every error the pool raises: it always names the pool. */
export class PoolError extends Error {
  constructor(
    readonly code: PoolErrorCode,
    readonly pool: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** No worker became free within the checkout timeout. */
export class PoolTimeoutError extends PoolError {
  constructor(pool: string, readonly timeout: number) {
    super('POOL_TIMEOUT', pool, `Pool "${pool}": no worker became available within ${timeout} ms`);
  }
}

/** A non-blocking checkout found no worker, or the waiting queue reached `maxWaiting`. */
export class PoolFullError extends PoolError {
  constructor(pool: string, reason: string) {
    super('POOL_FULL', pool, `Pool "${pool}" is full: ${reason}`);
  }
}

/** The pool is draining or stopped (or was never started). */
export class PoolStoppedError extends PoolError {
  constructor(pool: string, reason = 'it is shutting down') {
    super('POOL_STOPPED', pool, `Pool "${pool}" does not accept checkouts: ${reason}`);
  }
}

/** Workers could not be started, or restarts exceeded the restart intensity. */
export class PoolFailedError extends PoolError {
  constructor(pool: string, reason: string, options?: ErrorOptions) {
    super('POOL_FAILED', pool, `Pool "${pool}" failed: ${reason}`, options);
  }
}

/** Invalid options; the message names the pool and the option. */
export class PoolConfigError extends PoolError {
  constructor(pool: string, readonly option: string, problem: string) {
    super('POOL_CONFIG', pool, `Pool "${pool}": option "${option}" ${problem}`);
  }
}

/** No pool is registered under that name. */
export class PoolNotFoundError extends PoolError {
  constructor(pool: string) {
    super('POOL_NOT_FOUND', pool, `No pool named "${pool}" is registered`);
  }
}

/** The client's signal aborted while it waited for a worker. */
export class PoolAbortedError extends PoolError {
  constructor(pool: string, options?: ErrorOptions) {
    super('POOL_ABORTED', pool, `Pool "${pool}": checkout aborted by the client`, options);
  }
}

/** The worker died (reported its exit, or its thread/process ended) while it was leased. */
export class WorkerExitError extends PoolError {
  constructor(
    pool: string,
    readonly workerId: number,
    readonly reason?: unknown,
    readonly exitCode?: number,
  ) {
    super('WORKER_EXIT', pool, `Pool "${pool}": worker ${workerId} exited${describe(reason)}`, {
      cause: reason,
    });
  }
}

/** The lease was held longer than `leaseTimeout` and was revoked. */
export class LeaseTimeoutError extends PoolError {
  constructor(pool: string, readonly workerId: number, readonly leaseTimeout: number) {
    super(
      'LEASE_TIMEOUT',
      pool,
      `Pool "${pool}": worker ${workerId} was held longer than leaseTimeout (${leaseTimeout} ms) and was revoked`,
    );
  }
}

function describe(reason: unknown): string {
  if (reason === undefined) return '';
  // Duck-typed: errors from another realm (a worker thread, a vm context) fail `instanceof Error`.
  const message = (reason as { message?: unknown } | null)?.message;
  return `: ${typeof message === 'string' ? message : String(reason)}`;
}
