import { FloorPool } from './floor-pool.mjs';

/** The floor with one timer per waiter that actually waits; an expired waiter is skipped. */
export class TimedFloorPool extends FloorPool {
  live = 0;

  constructor(resources, timeout) {
    super(resources);
    this.timeout = timeout;
  }

  get waiting() {
    return this.live;
  }

  acquire() {
    if (this.free.length > 0) return Promise.resolve(this.free.pop());
    this.live++;
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject, timer: undefined };
      waiter.timer = setTimeout(expire, this.timeout, this, waiter);
      this.queue.push(waiter);
    });
  }

  release(resource) {
    this.trim();
    if (this.head === this.queue.length) return void this.free.push(resource);
    const waiter = this.shift();
    this.live--;
    clearTimeout(waiter.timer);
    waiter.resolve(resource);
  }

  /** Drops expired waiters (their `resolve` cleared) from the head. */
  trim() {
    while (this.head < this.queue.length && this.queue[this.head].resolve === undefined) this.shift();
  }
}

function expire(pool, waiter) {
  waiter.resolve = undefined;
  pool.live--;
  pool.trim(); // waiters share one timeout, so the expired one is at the head
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0; // a timer's stack says nothing; skipping it keeps timeouts cheap
  const error = new Error('timed out waiting for a resource');
  Error.stackTraceLimit = limit;
  waiter.reject(error);
}
