/** A client signal the pool listens to (poolboy's monitor), shared by all its queued checkouts. */
export interface ClientMonitor {
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
  /** Its checkouts in the queue; at 0 the monitor may be dropped. */
  waiting: number;
}

/**
 * Listens to each queued client's signal once for all its checkouts: subscribing per checkout
 * costs more than the checkout. Monitors nobody waits on are dropped soon after the queue
 * empties, or when they outnumber it, so they stay bounded and no signal keeps a listener for
 * long (Node keeps `AbortSignal.any`/`timeout` signals alive while they have listeners).
 */
export class ClientMonitors {
  readonly #monitors = new Map<AbortSignal, ClientMonitor>();
  readonly #onAbort: (monitor: ClientMonitor) => void;
  #sweeping = false;

  constructor(onAbort: (monitor: ClientMonitor) => void) {
    this.#onAbort = onAbort;
  }

  /** The monitor of `signal`, counting one more queued checkout; `queued` is the queue's length. */
  watch(signal: AbortSignal, queued: number): ClientMonitor {
    let monitor = this.#monitors.get(signal);
    if (monitor === undefined) {
      if (this.#monitors.size >= 2 * queued + 16) this.drop(false);
      const created: ClientMonitor = { signal, onAbort: () => this.#aborted(created), waiting: 0 };
      monitor = created;
      this.#monitors.set(signal, monitor);
      signal.addEventListener('abort', monitor.onAbort, { once: true });
    }
    monitor.waiting++;
    return monitor;
  }

  /** The queue emptied: drop idle monitors one turn later, after the rejections went out. */
  sweepSoon(): void {
    if (this.#monitors.size === 0 || this.#sweeping) return;
    this.#sweeping = true;
    setImmediate(() => {
      this.#sweeping = false;
      this.drop(false);
    }).unref();
  }

  /** Drops the monitors no queued checkout needs (all of them when `all`). */
  drop(all: boolean): void {
    for (const monitor of this.#monitors.values()) {
      if (!all && monitor.waiting > 0) continue;
      monitor.signal.removeEventListener('abort', monitor.onAbort);
      this.#monitors.delete(monitor.signal);
    }
  }

  #aborted(monitor: ClientMonitor): void {
    this.#monitors.delete(monitor.signal);
    this.#onAbort(monitor);
  }
}
