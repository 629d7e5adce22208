import type { WorkerRecord } from './worker-record.js';

/** @internal What a lease calls back into: its pool. */
export interface LeaseOwner<W> {
  checkin(lease: Lease<W>, broken: boolean, reason?: unknown): void;
}

/**
 * One checkout of one worker. Release it exactly once (`release`, `destroy`, or `using`);
 * extra calls are ignored, so a late release can never return a worker someone else holds.
 */
export class Lease<W> implements Disposable, AsyncDisposable {
  readonly worker: W;
  /** @internal */
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  readonly #owner: LeaseOwner<W>;
  readonly #record: WorkerRecord<W>;
  readonly #clientSignal: AbortSignal | undefined;
  readonly #onClientAbort: (() => void) | undefined;
  #controller: AbortController | undefined = undefined;
  #aborted = false;
  #abortReason: unknown = undefined;
  #held = true;

  /** @internal */
  constructor(owner: LeaseOwner<W>, record: WorkerRecord<W>, clientSignal: AbortSignal | undefined) {
    this.#owner = owner;
    this.#record = record;
    this.worker = record.worker;
    this.#clientSignal = clientSignal;
    if (clientSignal !== undefined) {
      this.#onClientAbort = () => this.#abort(clientSignal.reason);
      clientSignal.addEventListener('abort', this.#onClientAbort, { once: true });
    }
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
   * signal aborts. Created on first read, so leases nobody watches cost no AbortController.
   */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#abortReason);
    }
    return this.#controller.signal;
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
    this.#abort(reason);
  }

  #end(): boolean {
    if (!this.#held) return false;
    this.#held = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.#onClientAbort !== undefined) {
      this.#clientSignal!.removeEventListener('abort', this.#onClientAbort);
    }
    return true;
  }

  #abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }
}
