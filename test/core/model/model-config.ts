import fc from 'fast-check';

/** What one `create` call does: return a worker at once, throw, or wait for a SettleCreate command. */
export type CreateStep = 'ok' | 'fail' | 'defer';

export interface ModelConfig {
  readonly size: number;
  readonly maxOverflow: number;
  readonly strategy: 'lifo' | 'fifo';
  readonly checkoutTimeout: number;
  readonly maxWaiting: number;
  readonly leaseTimeout: number;
  readonly overflowTtl: number;
  readonly backoff: number;
  readonly maxRestarts: number;
  readonly restartWithinMs: number;
  /** The steps of `start()`'s creates, then of every later create (cycled). */
  readonly startPlan: readonly CreateStep[];
  readonly plan: readonly CreateStep[];
  /** Indexed by worker id mod its length: does `destroy` return a promise left for a SettleDestroy command? */
  readonly asyncDestroys: readonly boolean[];
  /** The step of the n-th `create` call, counted from 0. */
  stepFor(call: number): CreateStep;
  asyncDestroy(id: number): boolean;
}

/**
 * Time runs in steps of 4 ms between commands, so durations are picked by residue mod 4:
 * waiter deadlines odd, lease timeouts and backoffs 0, `overflowTtl` 2, stop timeouts odd
 * (no waiter is left by then). Timers whose relative order matters therefore never fall due in
 * the same millisecond, except lease timeouts and retries, which fire in creation order as
 * fake (and real) timers do; the model checks this and throws if it is ever violated.
 */
export const TICK = 4;
export const CHECKOUT_TIMEOUTS = [0, 9, 25, 57, Infinity] as const;
export const STOP_TIMEOUTS = [0, 61, 201] as const;

const weighted = <T>(weight: number, arbitrary: fc.Arbitrary<T>): fc.WeightedArbitrary<T> => ({ arbitrary, weight });

const step = (ok: number, fail: number, defer: number): fc.Arbitrary<CreateStep> =>
  fc.oneof(
    weighted(ok, fc.constant<CreateStep>('ok')),
    weighted(fail, fc.constant<CreateStep>('fail')),
    weighted(defer, fc.constant<CreateStep>('defer')),
  );

export const modelConfigArbitrary: fc.Arbitrary<ModelConfig> = fc
  .record({
    size: fc.integer({ min: 0, max: 2 }),
    maxOverflow: fc.integer({ min: 0, max: 3 }),
    strategy: fc.constantFrom<'lifo' | 'fifo'>('lifo', 'fifo'),
    checkoutTimeout: fc.constantFrom(33, 77),
    maxWaiting: fc.oneof(weighted(4, fc.constant(Infinity)), weighted(1, fc.integer({ min: 0, max: 2 }))),
    leaseTimeout: fc.oneof(weighted(3, fc.constant(Infinity)), weighted(1, fc.constantFrom(40, 100))),
    overflowTtl: fc.oneof(weighted(2, fc.constant(0)), weighted(1, fc.constantFrom(18, 50))),
    backoff: fc.constantFrom(12, 28),
    maxRestarts: fc.constantFrom(2, 5, 20),
    restartWithinMs: fc.constantFrom(100, 1000),
    // A failed start() ends the run early: rare. Later creates fail often, to drive restarts.
    startSteps: fc.array(step(24, 1, 5), { minLength: 2, maxLength: 2 }),
    plan: fc.array(step(5, 2, 2), { minLength: 1, maxLength: 6 }),
    asyncDestroys: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
  })
  .map(({ startSteps, ...options }) => {
    // Lingering needs overflow workers to linger.
    const rest = options.overflowTtl > 0 ? { ...options, maxOverflow: Math.max(2, options.maxOverflow) } : options;
    // A linger deadline missed during a slow start() is caught up 1 ms after it, off the grid:
    // with overflowTtl, start() stays synchronous.
    const startPlan = startSteps.slice(0, rest.size).map((s) => (rest.overflowTtl > 0 && s === 'defer' ? 'ok' : s));
    const { size, plan, asyncDestroys } = rest;
    return {
      ...rest,
      startPlan,
      stepFor: (call: number): CreateStep => (call < size ? startPlan[call]! : plan[(call - size) % plan.length]!),
      asyncDestroy: (id: number): boolean => asyncDestroys[id % asyncDestroys.length]!,
      [fc.toStringMethod]: () => JSON.stringify({ ...rest, startPlan }, (_, v: unknown) => (v === Infinity ? 'Infinity' : v)),
    };
  });
