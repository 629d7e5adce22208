import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { MessageEvent } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { once } from 'node:events';
import { PoolRegistry, type Lease } from 'nestjs-pool';
import { PoolObserver, type ObservedPool, type PoolObserverSnapshot, type PoolObserverUpdate } from 'nestjs-pool/observer';
import { testPool } from './support/test-pool.js';

const tiles = (pool: ObservedPool | undefined) => pool?.workerStates.map(({ id, state, reason }) => (reason ? { id, state, reason } : { id, state }));

describe('PoolObserver', () => {
  let registry: PoolRegistry;
  let observer: PoolObserver;
  const leases: Lease<number>[] = [];

  beforeEach(() => {
    registry = new PoolRegistry();
  });

  afterEach(async () => {
    jest.useRealTimers();
    for (const lease of leases.splice(0)) lease.release();
    observer?.beforeApplicationShutdown();
    observer?.onApplicationShutdown();
    await registry.stopAll({ timeout: 0 });
  });

  const poolView = (name: string): ObservedPool | undefined => observer.snapshot().pools.find((pool) => pool.name === name);

  it('knows every worker by id when it watched the pool start, and follows checkouts and checkins', async () => {
    const { pool } = testPool('db', 3);
    registry.register(pool);
    observer = new PoolObserver(registry);
    await pool.start();
    expect(tiles(poolView('db'))).toEqual([
      { id: 1, state: 'idle' },
      { id: 2, state: 'idle' },
      { id: 3, state: 'idle' },
    ]);

    const lease = await pool.checkout();
    expect(tiles(poolView('db'))!.find((tile) => tile.id === lease.workerId)).toEqual({ id: lease.workerId, state: 'busy' });
    lease.release();
    expect(tiles(poolView('db'))!.every((tile) => tile.state === 'idle')).toBe(true);
    expect(poolView('db')).toMatchObject({ state: 'ready', workers: 3, idle: 3, totals: { checkouts: 1, timeouts: 0, aborts: 0, exits: 0 } });
  });

  it('knows by id and state the workers that were alive before it watched', async () => {
    const { pool } = testPool('db', 3);
    registry.register(pool);
    await pool.start();
    const held = await pool.checkout();
    observer = new PoolObserver(registry);
    const expected = [1, 2, 3].map((id) => ({ id, state: id === held.workerId ? 'busy' : 'idle' }));
    expect(tiles(poolView('db'))).toEqual(expected);

    held.release();
    expect(tiles(poolView('db'))).toEqual([1, 2, 3].map((id) => ({ id, state: 'idle' })));
  });

  it('watches a pool registered after it was created from its first checkout', async () => {
    observer = new PoolObserver(registry);
    const late = await registry.start<number>({ name: 'late', size: 2, factory: { create: (ctx) => ctx.id } });
    await late.use(() => undefined); // before anyone looked
    expect(poolView('late')).toMatchObject({ workers: 2, totals: { checkouts: 1 } });
    expect(tiles(poolView('late'))).toEqual([
      { id: 1, state: 'idle' },
      { id: 2, state: 'idle' },
    ]);

    await registry.stop('late');
    expect(poolView('late')).toBeUndefined();
    expect(late.listenerCount('checkout')).toBe(0);
  });

  it('shows busy workers past size as overflow, and creates in flight as starting', async () => {
    const db = testPool('db', 1, 2);
    registry.register(db.pool);
    observer = new PoolObserver(registry);
    await db.pool.start();
    leases.push(await db.pool.checkout(), await db.pool.checkout());
    expect(tiles(poolView('db'))).toEqual([
      { id: 1, state: 'busy' },
      { id: 2, state: 'overflow' },
    ]);

    const open = db.holdCreates();
    const third = db.pool.checkout();
    expect(tiles(poolView('db'))).toEqual([
      { id: 1, state: 'busy' },
      { id: 2, state: 'overflow' },
      { id: null, state: 'starting' },
    ]);
    open();
    leases.push(await third);
    expect(poolView('db')).toMatchObject({ state: 'full', overflow: 2 });
    expect(tiles(poolView('db'))!.map((tile) => tile.state)).toEqual(['busy', 'overflow', 'overflow']);
  });

  it('keeps the latest crashed workers as dead tiles, not the dismissed ones, and never their error', async () => {
    const db = testPool('db', 1, 1);
    registry.register(db.pool);
    observer = new PoolObserver(registry);
    await db.pool.start();
    leases.push(await db.pool.checkout(), await db.pool.checkout());
    leases.pop()!.release(); // overflow worker 2 comes back with nobody waiting: dismissed

    const replaced = once(db.pool, 'workerStart');
    db.crash(1);
    await replaced;
    leases.splice(0);
    await new Promise((resolve) => setImmediate(resolve)); // the replacement is offered after it starts

    const view = poolView('db')!;
    expect(tiles(view)).toEqual([
      { id: 3, state: 'idle' },
      { id: 1, state: 'dead', reason: 'exited' },
    ]);
    expect(view).toMatchObject({ restarts: 1, totals: { exits: 2 } });
    expect(JSON.stringify(observer.snapshot())).not.toContain('secret');
  });

  describe('stream', () => {
    let messages: MessageEvent[];
    let subscription: Subscription;

    beforeEach(() => {
      jest.useFakeTimers({ now: 1_000_000 });
      messages = [];
    });

    afterEach(() => subscription?.unsubscribe());

    const listen = (): void => {
      subscription = observer.stream().subscribe((message) => messages.push(message));
    };
    const updates = (): PoolObserverUpdate[] => messages.filter((m) => m.type === 'update').map((m) => m.data as PoolObserverUpdate);

    it('sends a snapshot, then what changed every 100 ms, and nothing while nothing happens', async () => {
      const db = testPool('db', 1);
      registry.register(db.pool);
      observer = new PoolObserver(registry);
      await db.pool.start();
      listen();
      expect(messages).toHaveLength(1);
      expect(messages[0]!.type).toBe('snapshot');
      expect(tiles((messages[0]!.data as PoolObserverSnapshot).pools[0])).toEqual([{ id: 1, state: 'idle' }]);

      await jest.advanceTimersByTimeAsync(500);
      expect(messages).toHaveLength(1);

      const first = await db.pool.checkout();
      const queued = db.pool.checkout({ timeout: 1000 });
      await jest.advanceTimersByTimeAsync(30);
      first.release();
      leases.push(await queued);
      await jest.advanceTimersByTimeAsync(70);

      expect(updates()).toHaveLength(1);
      const [change] = updates()[0]!.pools;
      expect(change!.pool.name).toBe('db');
      expect(tiles(change!.pool)).toEqual([{ id: 1, state: 'busy' }]);
      expect(change!.events.map((event) => event.type)).toEqual([
        'checkout',
        'stateChange',
        'wait',
        'checkin',
        'checkout',
      ]);
      expect(change!.events[0]).toEqual({ type: 'checkout', at: 1_000_500, workerId: 1, waited: 0 });
      expect(change!.events[4]).toEqual({ type: 'checkout', at: 1_000_530, workerId: 1, waited: 30 });
      expect(change!.wait).toEqual({ count: 2, mean: 15, max: 30 });
    });

    it('times each wait exactly when clients leave the queue out of order', async () => {
      const db = testPool('db', 1);
      registry.register(db.pool);
      observer = new PoolObserver(registry);
      await db.pool.start();
      const held = await db.pool.checkout();
      listen();

      const patient = db.pool.checkout({ timeout: 1000 });
      await jest.advanceTimersByTimeAsync(10);
      // Queued after `patient`, it leaves first: its timeout ends before `patient` is served.
      const hasty = db.pool.checkout({ timeout: 50 }).catch((error: Error) => error);
      await jest.advanceTimersByTimeAsync(50);
      expect(await hasty).toMatchObject({ code: 'POOL_TIMEOUT' });
      await jest.advanceTimersByTimeAsync(40);
      held.release();
      leases.push(await patient); // queued from 0 to 100 ms

      await jest.advanceTimersByTimeAsync(100);
      const events = updates().flatMap((update) => update.pools[0]!.events);
      expect(events.filter((event) => event.type === 'checkout')).toEqual([{ type: 'checkout', at: 1_000_100, workerId: 1, waited: 100 }]);
      expect(updates().at(-1)!.pools[0]!.wait).toEqual({ count: 1, mean: 100, max: 100 });
    });

    it('adds pools registered at run time and names the ones removed', async () => {
      observer = new PoolObserver(registry);
      listen();
      expect((messages[0]!.data as PoolObserverSnapshot).pools).toEqual([]);

      const late = await registry.start<number>({ name: 'late', size: 1, factory: { create: (ctx) => ctx.id } });
      await late.use(() => undefined);
      await jest.advanceTimersByTimeAsync(100);
      const [change] = updates().at(-1)!.pools;
      expect(change!.pool.name).toBe('late');
      // Watched from its registration: its start and first checkout are there.
      expect(change!.events.map((event) => event.type)).toEqual(expect.arrayContaining(['workerStart', 'checkout', 'checkin']));

      await registry.stop('late');
      await jest.advanceTimersByTimeAsync(100);
      expect(updates().at(-1)!.removed).toEqual(['late']);
    });

    it('sends the first events of an update and counts the rest', async () => {
      const db = testPool('db', 2); // stays ready: a checkout and a checkin per loop
      registry.register(db.pool);
      observer = new PoolObserver(registry);
      await db.pool.start();
      listen();
      for (let i = 0; i < 60; i++) (await db.pool.checkout()).release();
      await jest.advanceTimersByTimeAsync(100);
      const [change] = updates()[0]!.pools;
      expect(change!.events).toHaveLength(100);
      expect(change!.dropped).toBe(20);
      expect(change!.pool.totals.checkouts).toBe(60);
    });

    it('ends every stream when the application shuts down, even one asked for afterwards', async () => {
      observer = new PoolObserver(registry);
      let completed = 0;
      subscription = observer.stream().subscribe({ complete: () => completed++ });
      observer.beforeApplicationShutdown();
      expect(completed).toBe(1);
      observer.stream().subscribe({ complete: () => completed++ });
      expect(completed).toBe(2);
    });
  });
});
