import { Pool, type Lease } from 'nestjs-pool';
import { ControlledFactory, type TestWorker } from './controlled-factory.js';
import type { ModelConfig } from './model-config.js';

export interface Outcome<T> {
  state: 'pending' | 'fulfilled' | 'rejected';
  value?: T;
  error?: unknown;
}

/** Records how a promise settles, so nothing is left unhandled and the test can look at it later. */
export function track<T>(promise: Promise<T>): Outcome<T> {
  const outcome: Outcome<T> = { state: 'pending' };
  promise.then(
    (value) => Object.assign(outcome, { state: 'fulfilled', value }),
    (error: unknown) => Object.assign(outcome, { state: 'rejected', error }),
  );
  return outcome;
}

export interface RealClient {
  readonly outcome: Outcome<Lease<TestWorker>>;
  readonly controller: AbortController | undefined;
  /** What the client aborts with, so `lease.signal.reason` can be traced back to it. */
  readonly reason: { readonly client: number };
  /** When the checkout must have settled by (its timeout, measured on the fake clock). */
  readonly deadline: number;
  /** Read `lease.signal` after every command, not only at the end (it is created lazily). */
  readonly watchSignal: boolean;
}

/** The system under test: one pool over a controlled factory, and the clients that used it. */
export class PoolHarness {
  static readonly NAME = 'model';
  readonly factory: ControlledFactory;
  readonly pool: Pool<TestWorker>;
  readonly clients: RealClient[] = [];
  readonly started: Outcome<void>;
  stopped: Outcome<void> | undefined = undefined;
  /** The commands run so far, for failure messages. */
  readonly trace: string[] = [];

  constructor(readonly cfg: ModelConfig) {
    this.factory = new ControlledFactory(cfg);
    this.pool = new Pool<TestWorker>({
      name: PoolHarness.NAME,
      factory: this.factory,
      size: cfg.size,
      maxOverflow: cfg.maxOverflow,
      strategy: cfg.strategy,
      checkoutTimeout: cfg.checkoutTimeout,
      maxWaiting: cfg.maxWaiting,
      leaseTimeout: cfg.leaseTimeout,
      overflowTtl: cfg.overflowTtl,
      restart: { maxRestarts: cfg.maxRestarts, withinMs: cfg.restartWithinMs, backoff: cfg.backoff },
    });
    this.started = track(this.pool.start());
  }

  /** Lets every pending promise callback run (timers are fake, setImmediate is not). */
  flush(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }
}
