import type { TransferListItem } from 'node:worker_threads';
import { PoolConfigError, WorkerExitError, type DestroyReason, type WorkerContext } from '../core/index.js';
import type { RunOptions } from './run-options.interface.js';
import { fromWireError } from './wire-error.js';
import { WorkerAbortedError, WorkerLoadError, WorkerTimeoutError } from './worker.errors.js';
import type { WorkerArgs, WorkerFunctions, WorkerMethod, WorkerResult } from './worker-functions.interface.js';
import type { CallMessage, WorkerMessage } from './worker-protocol.interface.js';

/** Node's timers fire at once past this many ms, so a longer finite timeout is refused. */
const MAX_TIMEOUT = 2 ** 31 - 1;

interface PendingCall {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * `loading` until the module answers; `ready` takes calls; `closing` was terminated from here (a
 * call's timeout or signal, or the pool's destroy) and is on its way out; `exited` is gone.
 */
type Phase = 'loading' | 'ready' | 'closing' | 'exited';

/**
 * A pool worker that runs in a thread or a child process and is driven by messages: the part
 * both share. Its thread or process dying is reported to the pool through `ctx.exit`, once.
 */
export abstract class RemoteWorker<T extends object = WorkerFunctions> {
  /** The pool's id of this worker (`lease.workerId`). */
  readonly id: number;
  readonly #pool: string;
  /** The option naming the module, and the module's path, for load errors. */
  readonly #option: string;
  readonly #file: string;
  readonly #reportExit: WorkerContext['exit'];
  #phase: Phase = 'loading';
  #methods: ReadonlySet<string> = new Set();
  readonly #calls = new Map<number, PendingCall>();
  #lastCallId = 0;
  /** Why calls are refused once it stopped taking them. */
  #endReason: unknown = undefined;
  /** The uncaught error it reported (or that Node reported) before it died: its exit reason. */
  #crash: unknown = undefined;
  /** Loading failed or was given up on: `create` rejects with this once the worker is gone. */
  #loadError: unknown = undefined;
  #settleLoad: (error?: unknown) => void = () => undefined;
  readonly #gone: Promise<void>;
  #onGone!: () => void;

  protected constructor(ctx: WorkerContext, option: string, file: string) {
    this.id = ctx.id;
    this.#pool = ctx.pool;
    this.#option = option;
    this.#file = file;
    this.#reportExit = ctx.exit;
    this.#gone = new Promise<void>((resolve) => (this.#onGone = resolve));
  }

  /** Resolves once its thread or process is gone (never rejects). */
  get closed(): Promise<void> {
    return this.#gone;
  }

  /** The functions the module offers. */
  get methods(): readonly string[] {
    return [...this.#methods];
  }

  /** Runs the module's function `method` with `args` (structured-cloned); resolves with its result. */
  call<K extends WorkerMethod<T>>(method: K, ...args: WorkerArgs<T, K>): Promise<WorkerResult<T, K>> {
    return this.#invoke(method, args, undefined) as Promise<WorkerResult<T, K>>;
  }

  /**
   * Runs the module's default function (or `options.method`) with `data`. A `timeout` or an
   * aborted `signal` terminates the thread or process mid-call; the pool replaces it.
   */
  run<K extends WorkerMethod<T> = 'default' & WorkerMethod<T>>(
    data: WorkerArgs<T, K>[0],
    options?: RunOptions<K>,
  ): Promise<WorkerResult<T, K>> {
    return this.#invoke(options?.method ?? 'default', [data], options) as Promise<WorkerResult<T, K>>;
  }

  /** @internal The pool's `destroy`: terminates it unless it is gone already; resolves once it is. */
  close(reason: DestroyReason): Promise<void> {
    if (this.#phase === 'ready') {
      this.#stop(`destroyed by the pool (${reason})`);
      this.kill();
    }
    return this.#gone;
  }

  /** @internal Sends a call to the thread or process; throws if its data cannot be cloned. */
  protected abstract post(message: CallMessage, transferList: readonly TransferListItem[] | undefined): void;

  /** @internal Terminates the thread or process; its exit follows through `exited`. */
  protected abstract kill(): void;

  /** @internal Resolves once the module loaded; rejects, after the thread or process is gone, if it did not. */
  protected loaded(signal: AbortSignal): Promise<this> {
    return new Promise<this>((resolve, reject) => {
      const onAbort = (): void => this.#failLoad(signal.reason);
      this.#settleLoad = (error) => {
        signal.removeEventListener('abort', onAbort);
        if (error === undefined) resolve(this);
        else reject(error);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** @internal A message from the thread or process. */
  protected receive(message: unknown): void {
    if (!isWorkerMessage(message)) return; // the module's own messages
    switch (message.$pool) {
      case 'ready':
        if (this.#phase !== 'loading' || this.#loadError !== undefined) return;
        this.#phase = 'ready';
        this.#methods = new Set(message.methods);
        this.#settleLoad();
        return;
      case 'load-error': {
        const cause = fromWireError(message.error);
        this.#failLoad(new WorkerLoadError(this.#pool, this.#option, this.#file, describe(cause), cause));
        return;
      }
      case 'result':
        this.#take(message.id)?.resolve(message.value);
        return;
      case 'error':
        this.#take(message.id)?.reject(fromWireError(message.error));
        return;
      case 'crash':
        this.crashed(fromWireError(message.error));
        return;
    }
  }

  /** @internal The uncaught error the thread or process is dying of. */
  protected crashed(error: unknown): void {
    this.#crash = error;
  }

  /** @internal The thread or process is gone; `how` says how it ended ("exit code 1", "killed by SIGKILL"). */
  protected exited(how: string, exitCode: number | undefined): void {
    const phase = this.#phase;
    if (phase === 'exited') return;
    this.#phase = 'exited';
    this.#onGone();
    const crash = this.#crash;
    if (phase === 'loading') {
      const problem = `it exited (${how}) before it finished loading${crash === undefined ? '' : `: ${describe(crash)}`}`;
      this.#settleLoad(this.#loadError ?? new WorkerLoadError(this.#pool, this.#option, this.#file, problem, crash));
      return;
    }
    if (phase === 'closing') return; // terminated from here: calls and pool were told already
    const reason = crash ?? how;
    this.#endReason = reason;
    const error = new WorkerExitError(this.#pool, this.id, reason, exitCode);
    this.#rejectAll(error);
    this.#reportExit(error); // the pool passes it on as is, exit code included
  }

  #invoke(method: string, args: unknown[], options: RunOptions | undefined): Promise<unknown> {
    if (this.#phase !== 'ready') return Promise.reject(new WorkerExitError(this.#pool, this.id, this.#endReason));
    if (!this.#methods.has(method)) {
      const offered = [...this.#methods].join(', ');
      return Promise.reject(new TypeError(`Pool "${this.#pool}": ${this.#file} has no function "${method}" (it offers: ${offered})`));
    }
    const timeout = options?.timeout;
    if (timeout !== undefined && !(timeout >= 0 && (timeout <= MAX_TIMEOUT || timeout === Infinity))) {
      const problem = `must be a number of ms from 0 to ${MAX_TIMEOUT}, or Infinity, got ${String(timeout)}`;
      return Promise.reject(new PoolConfigError(this.#pool, 'timeout', problem));
    }
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason); // never started: the worker stays
    const id = ++this.#lastCallId;
    try {
      this.post({ $pool: 'call', id, method, args }, options?.transferList);
    } catch (error) {
      return Promise.reject(error); // data that cannot be cloned
    }
    return new Promise((resolve, reject) => {
      const call: PendingCall = { resolve, reject, timer: undefined, signal, onAbort: undefined };
      this.#calls.set(id, call);
      if (timeout !== undefined && timeout !== Infinity) {
        call.timer = setTimeout(() => this.#terminate(id, new WorkerTimeoutError(this.#pool, this.id, method, timeout)), timeout);
      }
      if (signal !== undefined) {
        call.onAbort = () => this.#terminate(id, new WorkerAbortedError(this.#pool, this.id, method, signal.reason));
        signal.addEventListener('abort', call.onAbort, { once: true });
      }
    });
  }

  /** Erlang's `exit(Pid, kill)` for a call that ran out of time or lost its client. */
  #terminate(callId: number, error: WorkerExitError): void {
    const call = this.#take(callId);
    if (call === undefined) return;
    call.reject(error);
    this.#stop(error.reason);
    this.kill();
    // Chosen, not a crash: hang-ups and timeouts must not count against the restart intensity.
    this.#reportExit(error, { expected: true });
  }

  /** Stops taking calls: every call in flight fails, as its thread or process is about to go. */
  #stop(reason: unknown): void {
    this.#phase = 'closing';
    this.#endReason = reason;
    this.#rejectAll(new WorkerExitError(this.#pool, this.id, reason));
  }

  #failLoad(error: unknown): void {
    if (this.#phase !== 'loading' || this.#loadError !== undefined) return;
    this.#loadError = error;
    this.kill();
  }

  #take(callId: number): PendingCall | undefined {
    const call = this.#calls.get(callId);
    if (call === undefined) return undefined;
    this.#calls.delete(callId);
    if (call.timer !== undefined) clearTimeout(call.timer);
    if (call.onAbort !== undefined) call.signal!.removeEventListener('abort', call.onAbort);
    return call;
  }

  #rejectAll(error: WorkerExitError): void {
    for (const callId of [...this.#calls.keys()]) this.#take(callId)!.reject(error);
  }
}

function isWorkerMessage(message: unknown): message is WorkerMessage {
  return typeof message === 'object' && message !== null && typeof (message as { $pool?: unknown }).$pool === 'string';
}

/** `SyntaxError: Unexpected token`, or just the message of a plain `Error`. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.name === 'Error' ? error.message : `${error.name}: ${error.message}`;
}
