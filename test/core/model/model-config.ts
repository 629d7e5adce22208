import fc from 'fast-check';

/** What one `create` call does: return a worker at once, throw, or wait for a ResolveCreate command. */
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
  /** The step of the n-th `create` call, counted from 0. */
  stepFor(call: number): CreateStep;
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

const step = (weights: { ok: number; fail: number; defer: number }): fc.Arbitrary<CreateStep> =>
  fc.oneof(
    { arbitrary: fc.constant<CreateStep>('ok'), weight: weights.ok },
    { arbitrary: fc.constant<CreateStep>('fail'), weight: weights.fail },
    { arbitrary: fc.constant<CreateStep>('defer'), weight: weights.defer },
  );

export const modelConfigArbitrary: fc.Arbitrary<ModelConfig> = fc
  .record({
    size: fc.integer({ min: 0, max: 2 }),
    maxOverflow: fc.integer({ min: 0, max: 3 }),
    strategy: fc.constantFrom<'lifo' | 'fifo'>('lifo', 'fifo'),
    checkoutTimeout: fc.constantFrom(33, 77),
    maxWaiting: fc.oneof({ arbitrary: fc.constant(Infinity), weight: 4 }, { arbitrary: fc.integer({ min: 0, max: 2 }), weight: 1 }),
    leaseTimeout: fc.oneof({ arbitrary: fc.constant(Infinity), weight: 3 }, { arbitrary: fc.constantFrom(40, 100), weight: 1 }),
    overflowTtl: fc.oneof({ arbitrary: fc.constant(0), weight: 2 }, { arbitrary: fc.constantFrom(18, 50), weight: 1 }),
    backoff: fc.constantFrom(12, 28),
    maxRestarts: fc.constantFrom(2, 5, 20),
    restartWithinMs: fc.constantFrom(100, 1000),
    startSteps: fc.array(step({ ok: 24, fail: 1, defer: 5 }), { minLength: 3, maxLength: 3 }),
    plan: fc.array(step({ ok: 5, fail: 2, defer: 2 }), { minLength: 1, maxLength: 6 }),
  })
  .map(({ startSteps, ...options }) => {
    // Lingering needs overflow workers to linger.
    const rest = options.overflowTtl > 0 ? { ...options, maxOverflow: Math.max(2, options.maxOverflow) } : options;
    // A linger deadline missed during a slow start() is caught up 1 ms after it, off the grid:
    // with overflowTtl, start() stays synchronous.
    const startPlan = startSteps.slice(0, rest.size).map((s) => (rest.overflowTtl > 0 && s === 'defer' ? 'ok' : s));
    const { size, plan } = rest;
    return {
      ...rest,
      startPlan,
      stepFor: (call: number): CreateStep => (call < size ? startPlan[call]! : plan[(call - size) % plan.length]!),
      [fc.toStringMethod]: () => JSON.stringify({ ...rest, startPlan }, (_, v: unknown) => (v === Infinity ? 'Infinity' : v)),
    };
  });
