import type { WorkerRecord } from './worker-record.js';

/** @internal What a lease calls back into: its pool. */
export interface LeaseOwner<W> {
  checkin(lease: Lease<W>, broken: boolean, reason?: unknown): void;
}

/** A lease's abort state, made only when someone reads `signal` or the lease is aborted. */
interface LeaseAbort {
  controller: AbortController | undefined;
  aborted: boolean;
  reason: unknown;
  onClientAbort: (() => void) | undefined;
}

/**
 * One checkout of one worker. Release it exactly once (`release`, `destroy`, or `using`);
 * extra calls are ignored, so a late release can never return a worker someone else holds.
 * Kept small (one is made per checkout): what only `signal` needs lives in a lazy `LeaseAbort`.
 */
export class Lease<W> implements Disposable, AsyncDisposable {
  readonly worker: W;
  readonly #owner: LeaseOwner<W>;
  readonly #record: WorkerRecord<W>;
  readonly #clientSignal: AbortSignal | undefined;
  #held = true;
  #abort: LeaseAbort | undefined = undefined;

  /** @internal */
  constructor(owner: LeaseOwner<W>, record: WorkerRecord<W>, clientSignal: AbortSignal | undefined) {
    this.#owner = owner;
    this.#record = record;
    this.worker = record.worker;
    this.#clientSignal = clientSignal;
  }

  get workerId(): number {
    return this.#record.id;
  }

  /** @internal */
  get record(): WorkerRecord<W> {
    return this.#record;
  }

  /** True until the lease is released, destroyed or revoked. */
  get held(): boolean {
    return this.#held;
  }

  /**
   * Aborts when the worker dies, the lease is revoked (lease timeout, pool stop) or the client's
   * signal aborts. Created on first read, and only then does it listen to the client's signal:
   * leases nobody watches cost no AbortController and no listener.
   */
  get signal(): AbortSignal {
    const state = (this.#abort ??= { controller: undefined, aborted: false, reason: undefined, onClientAbort: undefined });
    if (state.controller === undefined) {
      state.controller = new AbortController();
      const client = this.#clientSignal;
      if (this.#held && client?.aborted) this.#aborted(client.reason);
      if (state.aborted) state.controller.abort(state.reason);
      else if (this.#held && client !== undefined) {
        state.onClientAbort = () => this.#aborted(client.reason);
        client.addEventListener('abort', state.onClientAbort, { once: true });
      }
    }
    return state.controller.signal;
  }

  /** Checks the worker in. Idempotent. */
  release(): void {
    if (!this.#end()) return;
    this.#owner.checkin(this, false);
  }

  /** Checks the worker in as broken: the pool destroys and replaces it. Idempotent. */
  destroy(reason?: unknown): void {
    if (!this.#end()) return;
    this.#owner.checkin(this, true, reason);
  }

  [Symbol.dispose](): void {
    this.release();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.release();
  }

  /** @internal The pool took the worker back (it died, the lease timed out, the pool stopped). */
  revoke(reason: unknown): void {
    if (!this.#end()) return;
    this.#aborted(reason);
  }

  #end(): boolean {
    if (!this.#held) return false;
    this.#held = false;
    const record = this.#record;
    if (record.leaseTimer !== undefined) {
      clearTimeout(record.leaseTimer);
      record.leaseTimer = undefined;
    }
    const client = this.#clientSignal;
    const listener = this.#abort?.onClientAbort;
    if (listener !== undefined) client!.removeEventListener('abort', listener);
    else if (client?.aborted) this.#aborted(client.reason); // aborted while held, unobserved until now
    return true;
  }

  #aborted(reason: unknown): void {
    const state = (this.#abort ??= { controller: undefined, aborted: false, reason: undefined, onClientAbort: undefined });
    if (state.aborted) return;
    state.aborted = true;
    state.reason = reason;
    state.controller?.abort(reason);
  }
}
