import { Injectable, type BeforeApplicationShutdown, type MessageEvent, type OnApplicationShutdown } from '@nestjs/common';
import { concat, defer, filter, interval, map, Observable, of, ReplaySubject, share, takeUntil } from 'rxjs';
import { PoolRegistry, type Pool } from '../core/index.js';
import type { ObservedPoolUpdate, PoolObserverSnapshot, PoolObserverUpdate } from './observed-pool.interface.js';
import { UPDATE_INTERVAL_MS } from './pool-observer.constants.js';
import { PoolRegistryWatcher } from './pool-registry-watcher.js';
import { PoolTracker } from './pool-tracker.js';

/**
 * Watches every pool of the registry for the observer's routes: those registered when the
 * service is created, and each one from the moment it registers. Events and totals count from
 * then; workers and counts are read from the pool, so they are exact whenever it started.
 */
@Injectable()
export class PoolObserver implements BeforeApplicationShutdown, OnApplicationShutdown {
  readonly #trackers = new Map<Pool<unknown>, PoolTracker>();
  readonly #watcher: PoolRegistryWatcher;
  #removed: string[] = [];
  /** Replays, so a stream asked for after shutdown ends at once too. */
  readonly #closing = new ReplaySubject<void>(1);
  /** One timer for every client: it runs while someone listens, and starts from a clean slate. */
  readonly #updates: Observable<MessageEvent>;

  constructor(registry: PoolRegistry) {
    this.#watcher = new PoolRegistryWatcher(registry, (pool) => {
      const tracker = new PoolTracker(pool);
      this.#trackers.set(pool, tracker);
      return () => {
        tracker.close();
        this.#trackers.delete(pool);
        this.#removed.push(pool.name);
      };
    });
    this.#updates = defer(() => {
      for (const tracker of this.#trackers.values()) tracker.discard();
      this.#removed = [];
      return interval(UPDATE_INTERVAL_MS);
    }).pipe(
      map(() => this.#update()),
      filter((update) => update !== undefined),
      map((update): MessageEvent => ({ type: 'update', data: update })),
      takeUntil(this.#closing),
      share(),
    );
  }

  /** Every pool now. */
  snapshot(): PoolObserverSnapshot {
    return { at: Date.now(), pools: [...this.#trackers.values()].map((tracker) => tracker.view()) };
  }

  /** A snapshot, then an update whenever something changed, until the application shuts down. */
  stream(): Observable<MessageEvent> {
    return concat(
      defer(() => of<MessageEvent>({ type: 'snapshot', data: this.snapshot() })),
      this.#updates,
    ).pipe(takeUntil(this.#closing));
  }

  /** Ends the streams while the server still answers, so their connections do not hold its closing. */
  beforeApplicationShutdown(): void {
    this.#closing.next();
    this.#closing.complete();
  }

  onApplicationShutdown(): void {
    this.#watcher.close();
  }

  #update(): PoolObserverUpdate | undefined {
    const pools: ObservedPoolUpdate[] = [];
    for (const tracker of this.#trackers.values()) {
      const update = tracker.flush();
      if (update !== undefined) pools.push(update);
    }
    const removed = this.#removed;
    if (pools.length === 0 && removed.length === 0) return undefined;
    this.#removed = [];
    return { at: Date.now(), pools, removed };
  }
}
