/** What a worker receives when it is created. */
export interface WorkerContext {
  /** Unique within the pool, never reused. */
  readonly id: number;
  /** The pool's name. */
  readonly pool: string;
  /** Aborts when the pool destroys this worker (or gives up on creating it). */
  readonly signal: AbortSignal;
  /**
   * Reports the worker's own death (a closed socket, a crashed thread): the pool removes it,
   * aborts its lease if it is leased, and starts a replacement by the pool's rules. The lease's
   * signal gets a `WorkerExitError` with `reason` as its cause; pass a `WorkerExitError`
   * (with its exit code) to have it used as is.
   */
  exit(reason?: unknown, options?: ExitOptions): void;
}

export interface ExitOptions {
  /**
   * true: the death was chosen, not a crash (a call killed because its client left or its
   * timeout passed). The worker is replaced all the same, but it does not count against the
   * restart intensity, so a burst of clients hanging up cannot fail the pool. Default false.
   */
  expected?: boolean;
}

/** Why the pool destroys a worker. */
export type DestroyReason =
  /** An overflow worker checked in with nobody waiting (or its `overflowTtl` ran out). */
  | 'dismissed'
  /** The worker reported its own death through `ctx.exit()`. */
  | 'exited'
  /** `validate` rejected it at checkout. */
  | 'invalid'
  /** Its holder checked it in as broken with `lease.destroy()`. */
  | 'broken'
  /** It was held longer than `leaseTimeout`. */
  | 'lease-timeout'
  /** `create` resolved after `createTimeout` had given up on it. */
  | 'create-timeout'
  /** The pool stopped, or failed. */
  | 'stopped';

export interface WorkerFactory<W> {
  /** Makes a worker; sync or async. A rejection counts against the restart intensity. */
  create(ctx: WorkerContext): W | Promise<W>;
  /** Releases a worker's resources; called exactly once for every worker `create` returned. */
  destroy?(worker: W, reason: DestroyReason): void | Promise<void>;
  /** Checked when an idle worker is checked out; false (or a throw) removes and replaces it. */
  validate?(worker: W): boolean | Promise<boolean>;
}

export interface RestartOptions {
  /** More than this many restarts within `withinMs` moves the pool to `failed`. Default 5. */
  maxRestarts?: number;
  /** The restart intensity window, in ms. Default 5000. */
  withinMs?: number;
  /**
   * Delay before retrying a failed create: a fixed number of ms, or a function of the number
   * of consecutive failures (1, 2, ...). Default: 50 ms doubling up to 5000 ms.
   */
  backoff?: number | ((attempt: number) => number);
}

export type PoolStrategy = 'lifo' | 'fifo';

export interface PoolOptions<W> {
  /** Unique name; every error and event names it. */
  name: string;
  factory: WorkerFactory<W>;
  /** Workers started by `start()` and kept. Default 5. */
  size?: number;
  /** Extra workers started under load, dismissed when they come back and nobody waits. Default 10. */
  maxOverflow?: number;
  /** Which idle worker a checkout takes: the most (`lifo`) or least (`fifo`) recently returned. */
  strategy?: PoolStrategy;
  /** Default checkout wait, in ms; `Infinity` waits for ever. Default 5000. */
  checkoutTimeout?: number;
  /** Most clients allowed to queue; past it a checkout fails with `PoolFullError`. Default unbounded. */
  maxWaiting?: number;
  /** A `create` slower than this (ms) counts as failed. Default none. */
  createTimeout?: number;
  restart?: RestartOptions;
  /** How long an idle overflow worker lingers before it is dismissed, in ms. Default 0. */
  overflowTtl?: number;
  /** A lease held longer than this (ms) is revoked, its worker destroyed and replaced. Default off. */
  leaseTimeout?: number;
}

export interface CheckoutOptions {
  /** Overrides `checkoutTimeout` for this checkout, in ms. */
  timeout?: number;
  /** The client: aborting it while waiting leaves the queue; while holding, aborts `lease.signal`. */
  signal?: AbortSignal;
  /** false: fail at once with `PoolFullError` instead of waiting for a checkin. Default true. */
  block?: boolean;
}

export interface StopOptions {
  /** How long to wait for leases (and creates in flight) before revoking them, in ms. Default 5000. */
  timeout?: number;
  /** How long to wait for async `destroy`s once every worker was destroyed, in ms. Default 5000. */
  destroyTimeout?: number;
  /**
   * true: clients already queued are still served as workers come back (until `timeout`),
   * instead of being rejected at once; new checkouts are refused either way. Default false.
   */
  serveWaiting?: boolean;
}
