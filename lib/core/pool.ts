import { EventEmitter } from 'node:events';
import { Lease, type LeaseOwner } from './lease.js';
import { LinkedList } from './linked-list.js';
import {
  LeaseTimeoutError,
  PoolAbortedError,
  PoolConfigError,
  PoolError,
  PoolFailedError,
  PoolFullError,
  PoolStoppedError,
  PoolTimeoutError,
  WorkerExitError,
} from './pool.errors.js';
import type { PoolEvents } from './pool-events.interface.js';
import type {
  CheckoutOptions,
  DestroyReason,
  ExitOptions,
  PoolOptions,
  PoolStrategy,
  StopOptions,
  WorkerContext,
  WorkerFactory,
} from './pool-options.interface.js';
import type { PoolState, PoolStatus, WorkerInfo } from './pool-status.interface.js';
import { resolvePoolOptions } from './resolve-pool-options.js';
import { RestartIntensity } from './restart-intensity.js';
import { ClientMonitors, type ClientMonitor } from './client-monitors.js';
import { MAX_TIMER_DELAY, now, TimeoutLanes, type TimeoutLane } from './timeout-lanes.js';
import { Waiter } from './waiter.js';
import { WorkerRecord } from './worker-record.js';

type Lifecycle = 'new' | 'starting' | 'running' | 'draining' | 'stopped' | 'failed';

const DEFAULT_STOP_TIMEOUT = 5000;

/**
 * A pool of workers with poolboy's semantics. Every rule (checkout, checkin, worker death,
 * client abort, timeout) is one short method; all of them run synchronously, so no two
 * interleave and a worker is never granted twice.
 *
 * Accounting: `workers + starting = size + overflow` whenever the pool runs, where `starting`
 * counts creates in flight (or waiting out a backoff). A new worker goes through the checkin
 * rule, so it serves the first waiter, whoever that is by the time it arrives.
 */
export class Pool<W = unknown> extends EventEmitter<PoolEvents<W>> {
  readonly name: string;
  readonly size: number;
  readonly maxOverflow: number;
  readonly strategy: PoolStrategy;
  readonly checkoutTimeout: number;
  readonly maxWaiting: number;

  readonly #factory: WorkerFactory<W>;
  readonly #createTimeout: number;
  readonly #overflowTtl: number;
  readonly #leaseTimeout: number;
  readonly #backoff: (attempt: number) => number;
  readonly #intensity: RestartIntensity;

  #lifecycle: Lifecycle = 'new';
  /** Why checkouts are refused once the pool is closing. */
  #closedError: PoolError | undefined = undefined;
  readonly #workers = new Set<WorkerRecord<W>>();
  readonly #idle = new LinkedList<WorkerRecord<W>>();
  readonly #waiting = new LinkedList<Waiter<W>>();
  readonly #monitors = new ClientMonitors((monitor) => this.#onClientAbort(monitor));
  readonly #lanes = new TimeoutLanes<W>(
    (waiter) => this.#expire(waiter),
    (lane, expired) => this.#expired(lane, expired),
  );
  #overflow = 0;
  #starting = 0;
  #restarts = 0;
  #createFailures = 0;
  #nextId = 0;
  #lastState: PoolState = 'starting';
  #lingerTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  readonly #retryTimers = new Set<ReturnType<typeof setTimeout>>();
  readonly #creating = new Set<Promise<void>>();
  readonly #destroying = new Set<Promise<void>>();
  #started: Promise<void> | undefined = undefined;
  #stopped: Promise<void> | undefined = undefined;
  #onDrained: (() => void) | undefined = undefined;

  readonly #owner: LeaseOwner<W> = {
    checkin: (lease, broken, reason) => this.#checkin(lease, broken, reason),
  };

  constructor(options: PoolOptions<W>) {
    super();
    const o = resolvePoolOptions(options);
    this.name = o.name;
    this.size = o.size;
    this.maxOverflow = o.maxOverflow;
    this.strategy = o.strategy;
    this.checkoutTimeout = o.checkoutTimeout;
    this.maxWaiting = o.maxWaiting;
    this.#factory = o.factory;
    this.#createTimeout = o.createTimeout;
    this.#overflowTtl = o.overflowTtl;
    this.#leaseTimeout = o.leaseTimeout;
    this.#backoff = o.backoff;
    this.#intensity = new RestartIntensity(o.maxRestarts, o.restartWithinMs);
  }

  get state(): PoolState {
    switch (this.#lifecycle) {
      case 'new':
      case 'starting':
        return 'starting';
      case 'running':
        break;
      default:
        return this.#lifecycle;
    }
    // poolboy's state_name/1
    if (this.#overflow < 1) {
      if (this.#idle.length > 0) return 'ready';
      return this.maxOverflow < 1 ? 'full' : 'overflow';
    }
    return this.#overflow >= this.maxOverflow ? 'full' : 'overflow';
  }

  status(): PoolStatus {
    const workers = this.#workers.size;
    const idle = this.#idle.length;
    return {
      name: this.name,
      state: this.state,
      size: this.size,
      maxOverflow: this.maxOverflow,
      workers,
      idle,
      busy: workers - idle,
      overflow: this.#overflow,
      waiting: this.#waiting.length,
      starting: this.#starting,
      restarts: this.#restarts,
    };
  }

  /** Every live worker's id and state, for observers; never the worker itself. */
  workers(): WorkerInfo[] {
    const list: WorkerInfo[] = [];
    for (const record of this.#workers) list.push({ id: record.id, state: record.state === 'idle' ? 'idle' : 'busy' });
    return list;
  }

  /**
   * Starts `size` workers. Resolves once all run; if any `create` fails, the pool destroys the
   * ones that started, becomes `failed`, and rejects with a `PoolFailedError` whose cause is
   * the create error. Calling it again returns the same promise.
   */
  start(): Promise<void> {
    return (this.#started ??= this.#start());
  }

  async #start(): Promise<void> {
    this.#lifecycle = 'starting';
    this.#starting += this.size;
    // Each worker is offered as it arrives (a checkout made meanwhile gets it); the first
    // failed create fails the pool, which destroys the workers that did start.
    const failed = (cause: unknown): void => {
      this.#starting--;
      if (this.#lifecycle !== 'starting') return;
      const message = cause instanceof Error ? cause.message : String(cause);
      this.#fail(new PoolFailedError(this.name, `could not start its workers: ${message}`, { cause }));
    };
    await Promise.all(
      Array.from({ length: this.size }, () =>
        this.#create().then((record) => {
          if (record.exitedEarly) return failed(this.#discard(record));
          this.#starting--;
          this.#join(record);
        }, failed),
      ),
    );
    if (this.#lifecycle !== 'starting') throw this.#closedError!;
    this.#lifecycle = 'running';
    this.#stateChanged();
  }

  /**
   * Leases a worker: an idle one (by strategy), else a new overflow worker, else a place in
   * the FIFO queue until one is checked in or `timeout` passes.
   */
  checkout(options?: CheckoutOptions): Promise<Lease<W>> {
    if (this.#lifecycle !== 'running' && this.#lifecycle !== 'starting') {
      return Promise.reject(this.#refusal());
    }
    const signal = options?.signal;
    if (signal !== undefined && signal.aborted) {
      return Promise.reject(new PoolAbortedError(this.name, { cause: signal.reason }));
    }
    const record = this.#takeIdle();
    if (record === undefined) return this.#enqueue(options);
    if (this.#factory.validate === undefined) return Promise.resolve(this.#lease(record, signal));
    return this.#validate(record, options);
  }

  /** The transaction: checkout, run `fn`, always check in; `fn`'s error is rethrown. */
  async use<R>(fn: (worker: W, lease: Lease<W>) => R | Promise<R>, options?: CheckoutOptions): Promise<R> {
    const lease = await this.checkout(options);
    try {
      return await fn(lease.worker, lease);
    } finally {
      lease.release();
    }
  }

  /**
   * Graceful drain: refuses new checkouts, rejects waiters, waits up to `timeout` for leases to
   * come back, then revokes the rest; resolves once every worker was destroyed exactly once.
   */
  stop(options?: StopOptions): Promise<void> {
    return (this.#stopped ??= this.#stop(
      options?.timeout ?? DEFAULT_STOP_TIMEOUT,
      options?.destroyTimeout ?? DEFAULT_STOP_TIMEOUT,
      options?.serveWaiting === true,
    ));
  }

  async #stop(timeout: number, destroyTimeout: number, serveWaiting: boolean): Promise<void> {
    if (this.#lifecycle === 'new') {
      this.#lifecycle = 'stopped';
      this.#stateChanged();
      return;
    }
    if (this.#lifecycle !== 'failed') this.#close('draining', new PoolStoppedError(this.name), !serveWaiting);
    // Bounded waits only: a lease, a create or a destroy that never ends cannot hang stop.
    const deadline = Date.now() + timeout;
    if (!this.#drained()) {
      await this.#within(new Promise<void>((resolve) => (this.#onDrained = resolve)), timeout);
      this.#onDrained = undefined;
    }
    this.#rejectWaiters(this.#closedError!);
    const revoked = new PoolStoppedError(this.name, `it stopped before the lease was released`);
    for (const record of [...this.#workers]) {
      if (record.lease !== undefined) {
        record.lease.revoke(revoked);
        record.lease = undefined;
      }
      this.#destroy(record, 'stopped');
    }
    // Creates in flight end in #offer, which destroys them now.
    if (this.#creating.size > 0) {
      await this.#within(Promise.allSettled([...this.#creating, this.#started]), deadline - Date.now());
    }
    if (this.#destroying.size > 0) await this.#within(Promise.allSettled(this.#destroying), destroyTimeout);
    this.#lifecycle = 'stopped';
    this.#stateChanged();
  }


  // --- checkout -----------------------------------------------------------------------------

  #takeIdle(): WorkerRecord<W> | undefined {
    return this.strategy === 'lifo' ? this.#idle.pop() : this.#idle.shift();
  }

  #enqueue(options: CheckoutOptions | undefined): Promise<Lease<W>> {
    const timeout = options?.timeout ?? this.checkoutTimeout;
    if (!(timeout >= 0)) {
      return Promise.reject(new PoolConfigError(this.name, 'timeout', `must be a number >= 0, got ${timeout}`));
    }
    // Creates in flight beyond the clients already queued will serve this one: no new worker.
    if (this.#starting <= this.#waiting.length) {
      if (this.#overflow < this.maxOverflow) {
        this.#overflow++;
        this.#spawn();
      } else if (options?.block === false) {
        return Promise.reject(new PoolFullError(this.name, 'no idle worker and maxOverflow reached'));
      } else if (this.#waiting.length >= this.maxWaiting) {
        return Promise.reject(new PoolFullError(this.name, `maxWaiting (${this.maxWaiting}) clients already wait`));
      }
    }
    const signal = options?.signal;
    const promise = new Promise<Lease<W>>(captureResolve);
    const lane = timeout === Infinity ? undefined : this.#lanes.lane(timeout);
    const monitor = signal === undefined ? undefined : this.#monitors.watch(signal, this.#waiting.length);
    const waiter = new Waiter<W>(capturedResolve!, monitor, lane, now());
    this.#waiting.push(waiter);
    if (lane !== undefined) this.#lanes.add(waiter, lane);
    this.emit('wait', this.#waiting.length);
    this.#stateChanged();
    return promise;
  }

  async #validate(record: WorkerRecord<W>, options: CheckoutOptions | undefined): Promise<Lease<W>> {
    record.state = 'busy'; // reserved: neither idle nor grantable while validate runs
    let valid: boolean;
    try {
      valid = (await this.#factory.validate!(record.worker)) === true;
    } catch {
      valid = false;
    }
    // validate awaited: the worker may have exited, or the pool stopped, meanwhile
    if ((record.state as WorkerRecord<W>['state']) === 'dead') return this.checkout(options);
    if (!valid) {
      this.#died(record, 'invalid', new WorkerExitError(this.name, record.id, 'validate rejected it'));
      return this.checkout(options);
    }
    const signal = options?.signal;
    if (signal?.aborted || (this.#lifecycle !== 'running' && this.#lifecycle !== 'starting')) {
      this.#offer(record);
      return this.checkout(options); // rejects with the right error
    }
    return this.#lease(record, signal);
  }

  #lease(record: WorkerRecord<W>, signal: AbortSignal | undefined, waited = 0): Lease<W> {
    record.state = 'busy';
    const lease = new Lease<W>(this.#owner, record, signal);
    record.lease = lease;
    if (this.#leaseTimeout !== Infinity) {
      record.leaseTimer = setTimeout(this.#onLeaseTimeout, this.#leaseTimeout, lease);
      record.leaseTimer.unref();
    }
    this.emit('checkout', lease, waited);
    this.#stateChanged();
    return lease;
  }

  // --- checkin ------------------------------------------------------------------------------

  #checkin(lease: Lease<W>, broken: boolean, reason: unknown): void {
    const record = lease.record;
    if (record.lease !== lease) return;
    record.lease = undefined;
    this.emit('checkin', lease);
    if (broken) this.#died(record, 'broken', reason);
    else this.#offer(record);
  }

  /** The checkin rule, for returned and new workers alike: first waiter, else dismiss, else idle. */
  #offer(record: WorkerRecord<W>): void {
    if (record.state === 'dead') return;
    const open = this.#lifecycle === 'running' || this.#lifecycle === 'starting';
    // A pool stopping with `serveWaiting` still serves the clients it had queued.
    if (!open && this.#waiting.length === 0) {
      this.#destroy(record, 'stopped');
      return;
    }
    const waiter = this.#waiting.shift();
    if (waiter !== undefined) {
      const resolve = waiter.resolve!;
      this.#settle(waiter);
      resolve(this.#lease(record, waiter.monitor?.signal, now() - waiter.since));
      return;
    }
    if (this.#overflow > 0 && this.#overflowTtl === 0) {
      this.#overflow--;
      this.#destroy(record, 'dismissed');
    } else {
      record.state = 'idle';
      this.#idle.push(record);
      if (this.#overflowTtl > 0) {
        record.returnedAt = Date.now();
        if (this.#overflow > 0) this.#armLinger();
      }
    }
    this.#stateChanged();
  }

  // --- worker death and replacement ---------------------------------------------------------

  /** A worker died (exit, invalid, broken, lease timeout): remove it, then replace by poolboy's rule. */
  #died(record: WorkerRecord<W>, reason: DestroyReason, error: unknown, crash = true): void {
    const lease = record.lease;
    record.lease = undefined;
    this.#destroy(record, reason, error);
    if ((this.#lifecycle === 'running' || this.#lifecycle === 'starting') && !this.#countRestart(error, crash)) {
      // Someone waits who no create in flight will serve, or the pool is below size: replace.
      if (this.#overflow > 0 && this.#waiting.length <= this.#starting) this.#overflow--;
      else this.#spawn();
      this.#stateChanged();
    }
    // Last: aborting runs the holder's listeners, which should see a consistent pool.
    lease?.revoke(error);
  }

  /**
   * Counts a restart; a crash (not a death the pool or a caller chose) also counts against the
   * intensity. True when the pool has just failed because of it.
   */
  #countRestart(cause: unknown, crash = true): boolean {
    this.#restarts++;
    if (crash && this.#intensity.record(Date.now())) {
      const message = cause instanceof Error ? cause.message : String(cause);
      this.#fail(new PoolFailedError(this.name, `more than ${this.#intensity.maxRestarts} restarts within ${this.#intensity.withinMs} ms (last: ${message})`, { cause }));
      return true;
    }
    this.emit('workerRestart', this.#restarts, cause);
    return false;
  }

  #spawn(): void {
    this.#starting++;
    this.#attempt();
  }

  /** One create for a slot already counted in `starting`; the slot ends in `#offer` or a retry. */
  #attempt(): void {
    this.#create().then(
      (record) => {
        if (record.exitedEarly) return this.#createFailed(this.#discard(record));
        this.#starting--;
        this.#createFailures = 0;
        this.#join(record);
      },
      (error: unknown) => this.#createFailed(error),
    );
  }

  /** A created worker joins the pool and goes through the checkin rule, in one step. */
  #join(record: WorkerRecord<W>): void {
    record.state = 'busy'; // until #offer places it
    this.#workers.add(record);
    this.emit('workerStart', record.id);
    this.#offer(record);
  }

  /** A worker that called `exit()` before its create resolved never joins: it counts as a failed create. */
  #discard(record: WorkerRecord<W>): WorkerExitError {
    const error = exitError(this.name, record.id, record.exitReason);
    record.state = 'dead';
    record.controller.abort(error);
    this.#destroyWorker(record.id, record.worker, 'exited');
    return error;
  }

  #createFailed(error: unknown): void {
    const attempt = ++this.#createFailures;
    this.emit('createError', error, attempt);
    if (this.#lifecycle !== 'running' && this.#lifecycle !== 'starting') {
      this.#starting--;
      return;
    }
    if (this.#countRestart(error)) {
      this.#starting--;
      return;
    }
    const timer = setTimeout(() => {
      this.#retryTimers.delete(timer);
      // No longer needed: nobody waits for this slot and it was an overflow one.
      if (this.#overflow > 0 && this.#waiting.length < this.#starting) {
        this.#starting--;
        this.#overflow--;
        this.#stateChanged();
        return;
      }
      this.#attempt();
    }, this.#backoff(attempt));
    timer.unref();
    this.#retryTimers.add(timer);
  }

  /** Creates a worker; `stop()` waits for creates in flight through `#creating`. */
  #create(): Promise<WorkerRecord<W>> {
    const created = this.#createRecord();
    const forget = (): void => void this.#creating.delete(tracked);
    const tracked = created.then(forget, forget);
    this.#creating.add(tracked);
    return created;
  }

  /** Runs `factory.create` with the context, `createTimeout` and early exits taken care of. */
  async #createRecord(): Promise<WorkerRecord<W>> {
    const record = new WorkerRecord<W>(++this.#nextId);
    const ctx: WorkerContext = {
      id: record.id,
      pool: this.name,
      signal: record.controller.signal,
      exit: (reason?: unknown, options?: ExitOptions) => this.#onExit(record, reason, options?.expected !== true),
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const created = this.#factory.create(ctx);
      if (this.#createTimeout === Infinity || !isThenable(created)) {
        record.worker = await created;
      } else {
        const timedOut = new PoolError('POOL_TIMEOUT', this.name, `Pool "${this.name}": create took longer than createTimeout (${this.#createTimeout} ms)`);
        record.worker = await Promise.race([
          created,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
              record.controller.abort(timedOut);
              // A create that resolves after all must still be destroyed, exactly once.
              created.then((late) => this.#destroyWorker(record.id, late, 'create-timeout'), () => undefined);
              reject(timedOut);
            }, this.#createTimeout);
            timer.unref();
          }),
        ]);
      }
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
    return record;
  }

  #onExit(record: WorkerRecord<W>, reason: unknown, crash: boolean): void {
    if (record.state === 'dead') return;
    if (record.state === 'starting') {
      record.exitedEarly = true;
      record.exitReason = reason;
      return;
    }
    this.#died(record, 'exited', exitError(this.name, record.id, reason), crash);
  }

  // --- destroying ---------------------------------------------------------------------------

  #destroy(record: WorkerRecord<W>, reason: DestroyReason, error?: unknown): void {
    if (record.state === 'dead') return;
    if (record.state === 'idle') this.#idle.remove(record);
    record.state = 'dead';
    this.#workers.delete(record);
    record.controller.abort(error ?? reason);
    this.emit('workerExit', record.id, reason, error);
    this.#destroyWorker(record.id, record.worker, reason);
    if (this.#onDrained !== undefined && this.#drained()) this.#onDrained();
  }

  /** Stop may proceed: no lease out and nobody queued (queued clients stay only with `serveWaiting`). */
  #drained(): boolean {
    return this.#busyCount() === 0 && this.#waiting.length === 0;
  }

  #destroyWorker(id: number, worker: W, reason: DestroyReason): void {
    const destroy = this.#factory.destroy;
    if (destroy === undefined) return;
    try {
      const result = destroy.call(this.#factory, worker, reason);
      if (isThenable(result)) {
        const done: Promise<void> = Promise.resolve(result).then(
          () => undefined,
          (error: unknown) => void this.emit('destroyError', error, id),
        );
        this.#destroying.add(done);
        void done.finally(() => this.#destroying.delete(done));
      }
    } catch (error) {
      this.emit('destroyError', error, id);
    }
  }

  // --- waiters ------------------------------------------------------------------------------

  /** poolboy's DOWN for a queued client (it filters the queue too): each of its checkouts leaves. */
  #onClientAbort(monitor: ClientMonitor): void {
    const reason: unknown = monitor.signal.reason;
    let aborted = 0;
    for (let waiter = this.#waiting.head; waiter !== undefined && monitor.waiting > 0; ) {
      const next = waiter.next;
      if (waiter.monitor === monitor) {
        this.#waiting.remove(waiter);
        this.#reject(waiter, new PoolAbortedError(this.name, { cause: reason }));
        aborted++;
      }
      waiter = next;
    }
    for (let i = 0; i < aborted; i++) this.emit('abort', reason);
    if (aborted > 0) this.#stateChanged();
    if (this.#onDrained !== undefined && this.#drained()) this.#onDrained();
  }

  /** A waiter's time is up: out of the queue and rejected (its lane drops it itself). */
  #expire(waiter: Waiter<W>): void {
    this.#waiting.remove(waiter);
    const resolve = waiter.resolve!;
    waiter.resolve = undefined;
    if (waiter.monitor !== undefined) waiter.monitor.waiting--;
    resolve(Promise.reject(timeoutError(this.name, waiter.lane!.timeout)));
  }

  #expired(lane: TimeoutLane<W>, expired: number): void {
    if (this.#waiting.length === 0) this.#monitors.sweepSoon();
    for (let i = 0; i < expired; i++) this.emit('timeout', lane.timeout);
    if (expired > 0) this.#stateChanged();
    if (this.#onDrained !== undefined && this.#drained()) this.#onDrained();
  }

  /** The waiter has left the queue: its monitor and its lane forget it. */
  #settle(waiter: Waiter<W>): void {
    waiter.resolve = undefined;
    if (waiter.monitor !== undefined) waiter.monitor.waiting--;
    if (waiter.lane !== undefined) this.#lanes.trim(waiter.lane);
    if (this.#waiting.length === 0) this.#monitors.sweepSoon();
  }

  /** Rejects through `resolve`: a waiter keeps no `reject`, 64 bytes less per queued client. */
  #reject(waiter: Waiter<W>, error: unknown): void {
    const resolve = waiter.resolve!;
    this.#settle(waiter);
    resolve(Promise.reject(error));
  }

  // --- timers -------------------------------------------------------------------------------

  readonly #onLeaseTimeout = (lease: Lease<W>): void => {
    const record = lease.record;
    if (record.lease !== lease) return;
    this.emit('leaseTimeout', lease);
    // The holder's fault, not the worker's: replaced, but no crash against the restart intensity.
    this.#died(record, 'lease-timeout', new LeaseTimeoutError(this.name, record.id, this.#leaseTimeout), false);
  };

  #armLinger(): void {
    const oldest = this.#idle.head;
    if (this.#lingerTimer !== undefined || oldest === undefined) return;
    const delay = Math.max(1, oldest.returnedAt + this.#overflowTtl - Date.now());
    this.#lingerTimer = setTimeout(this.#onLinger, delay);
    this.#lingerTimer.unref();
  }

  /** `overflowTtl`: dismiss the least recently returned idle workers while overflow remains. */
  readonly #onLinger = (): void => {
    this.#lingerTimer = undefined;
    if (this.#lifecycle !== 'running') return;
    const now = Date.now();
    for (let oldest = this.#idle.head; oldest !== undefined && this.#overflow > 0; oldest = this.#idle.head) {
      if (oldest.returnedAt + this.#overflowTtl > now) break;
      this.#overflow--;
      this.#destroy(oldest, 'dismissed');
    }
    if (this.#overflow > 0) this.#armLinger();
    this.#stateChanged();
  };

  // --- closing ------------------------------------------------------------------------------

  /** Like an OTP supervisor past its intensity: every worker goes, holders are told through their signal. */
  #fail(error: PoolFailedError): void {
    this.#close('failed', error);
    this.emit('failed', error);
    for (const record of [...this.#workers]) {
      const lease = record.lease;
      if (lease === undefined) continue; // reserved by a running validate: destroyed when it returns
      record.lease = undefined;
      this.#destroy(record, 'stopped', error);
      lease.revoke(error);
    }
  }

  /** Stops taking checkouts: rejects waiters, cancels retries, destroys idle workers. */
  #close(lifecycle: 'draining' | 'failed', error: PoolError, rejectWaiters = true): void {
    this.#lifecycle = lifecycle;
    this.#closedError = error;
    this.#stateChanged();
    if (rejectWaiters) this.#rejectWaiters(error);
    for (const timer of this.#retryTimers) clearTimeout(timer);
    this.#starting -= this.#retryTimers.size;
    this.#retryTimers.clear();
    if (this.#lingerTimer !== undefined) clearTimeout(this.#lingerTimer);
    for (let record = this.#idle.head; record !== undefined; record = this.#idle.head) {
      this.#destroy(record, 'stopped'); // also unlinks it from the idle list
    }
  }

  #rejectWaiters(error: PoolError): void {
    for (let waiter = this.#waiting.shift(); waiter !== undefined; waiter = this.#waiting.shift()) {
      this.#reject(waiter, error);
    }
    this.#monitors.drop(true);
  }

  #refusal(): PoolError {
    return this.#closedError ?? new PoolStoppedError(this.name, 'it has not been started; call start() first');
  }

  #busyCount(): number {
    return this.#workers.size - this.#idle.length;
  }

  #within(promise: Promise<unknown>, ms: number): Promise<unknown> {
    if (ms <= 0) return Promise.resolve();
    if (ms === Infinity) return promise;
    let timer: ReturnType<typeof setTimeout>;
    // setTimeout fires at once past 2^31 - 1 ms, so longer waits are capped there (about 24 days).
    const delay = Math.min(ms, MAX_TIMER_DELAY);
    return Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, delay)))]).finally(() =>
      clearTimeout(timer),
    );
  }

  #stateChanged(): void {
    const state = this.state;
    if (state === this.#lastState) return;
    const previous = this.#lastState;
    this.#lastState = state;
    this.emit('stateChange', state, previous);
  }
}

let capturedResolve: ((lease: any) => void) | undefined;
/** One shared executor: a queued checkout allocates no closure of its own, and keeps no `reject`. */
function captureResolve(resolve: (lease: any) => void): void {
  capturedResolve = resolve;
}

/** A timeout error has no useful stack (the pool's timer); skipping it keeps timeout storms cheap. */
function timeoutError(pool: string, timeout: number): PoolTimeoutError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new PoolTimeoutError(pool, timeout);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** A worker that reports its death with a `WorkerExitError` (exit code and all) keeps it as is. */
function exitError(pool: string, workerId: number, reason: unknown): WorkerExitError {
  return reason instanceof WorkerExitError ? reason : new WorkerExitError(pool, workerId, reason);
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | undefined)?.then === 'function';
}
