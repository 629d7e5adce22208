import { Deque } from './deque.js';
import type { Waiter } from './waiter.js';

/** Waiters that share one timeout have monotonic deadlines, so one timer per lane serves them all. */
export interface TimeoutLane<W> {
  readonly timeout: number;
  readonly queue: Deque<Waiter<W>>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Node's timers fire at once past this many ms. */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/** Whole ms on a monotonic clock: small integers (a Smi), where `Date.now()` is a boxed double. */
export function now(): number {
  return Math.floor(performance.now());
}

/**
 * Checkout timeouts without a timer per waiter: one lane (and one timer) per distinct timeout.
 * A waiter that leaves the queue early stays in its lane until it reaches the head, where it is
 * dropped; served waiters leave from the head, so lanes stay short.
 */
export class TimeoutLanes<W> {
  readonly #lanes = new Map<number, TimeoutLane<W>>();
  readonly #expire: (waiter: Waiter<W>) => void;
  readonly #expired: (lane: TimeoutLane<W>, count: number) => void;

  /**
   * @param expire takes a waiter whose time is up out of the queue (the lane drops it itself)
   * @param expired runs once per timer, after the waiters it expired
   */
  constructor(expire: (waiter: Waiter<W>) => void, expired: (lane: TimeoutLane<W>, count: number) => void) {
    this.#expire = expire;
    this.#expired = expired;
  }

  /** The lane for `timeout`; a waiter joins it with `add` once it exists. */
  lane(timeout: number): TimeoutLane<W> {
    let lane = this.#lanes.get(timeout);
    if (lane === undefined) {
      lane = { timeout, queue: new Deque(), timer: undefined };
      this.#lanes.set(timeout, lane);
    }
    return lane;
  }

  add(waiter: Waiter<W>, lane: TimeoutLane<W>): void {
    lane.queue.push(waiter);
    if (lane.timer === undefined) this.#arm(lane, lane.timeout);
  }

  /** Drops settled waiters from the lane's head; an empty lane keeps no timer. */
  trim(lane: TimeoutLane<W>): void {
    const queue = lane.queue;
    while (queue.length > 0 && queue.peek()!.settled) queue.shift();
    if (queue.length === 0) {
      if (lane.timer !== undefined) clearTimeout(lane.timer);
      lane.timer = undefined;
      this.#lanes.delete(lane.timeout);
    }
  }

  #arm(lane: TimeoutLane<W>, delay: number): void {
    // A longer wait re-arms when this fires early: the handler checks each deadline.
    // Not unref'd: a client awaits it, so the process must live to tell it it timed out.
    lane.timer = setTimeout(this.#fire, Math.min(delay, MAX_TIMER_DELAY), lane);
  }

  readonly #fire = (lane: TimeoutLane<W>): void => {
    lane.timer = undefined;
    const time = now();
    const queue = lane.queue;
    let count = 0;
    for (let waiter = queue.peek(); waiter !== undefined; waiter = queue.peek()) {
      if (!waiter.settled) {
        if (waiter.deadline > time) break;
        this.#expire(waiter);
        count++;
      }
      queue.shift();
    }
    const next = queue.peek();
    if (next === undefined) this.#lanes.delete(lane.timeout);
    else this.#arm(lane, Math.max(1, next.deadline - time));
    this.#expired(lane, count);
  };
}
