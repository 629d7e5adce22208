import { PoolConfigError } from './pool.errors.js';
import type { PoolOptions, PoolStrategy, WorkerFactory } from './pool-options.interface.js';

export interface ResolvedPoolOptions<W> {
  name: string;
  factory: WorkerFactory<W>;
  size: number;
  maxOverflow: number;
  strategy: PoolStrategy;
  checkoutTimeout: number;
  maxWaiting: number;
  createTimeout: number;
  overflowTtl: number;
  leaseTimeout: number;
  maxRestarts: number;
  restartWithinMs: number;
  backoff: (attempt: number) => number;
}

const KNOWN = new Set([
  'name',
  'factory',
  'size',
  'maxOverflow',
  'strategy',
  'checkoutTimeout',
  'maxWaiting',
  'createTimeout',
  'restart',
  'overflowTtl',
  'leaseTimeout',
]);
const KNOWN_RESTART = new Set(['maxRestarts', 'withinMs', 'backoff']);

/** Node's timers fire at once past this many ms; longer finite durations are refused. */
const MAX_DELAY = 2 ** 31 - 1;

const defaultBackoff = (attempt: number): number => Math.min(50 * 2 ** (attempt - 1), 5000);

/** Checks every option and fills in defaults; any mistake is a `PoolConfigError` naming pool and option. */
export function resolvePoolOptions<W>(options: PoolOptions<W>): ResolvedPoolOptions<W> {
  if (options === null || typeof options !== 'object') {
    throw new PoolConfigError('<unnamed>', 'options', 'must be an object');
  }
  const name = options.name;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new PoolConfigError(String(name ?? '<unnamed>'), 'name', 'must be a non-empty string');
  }
  const fail = (option: string, problem: string): never => {
    throw new PoolConfigError(name, option, problem);
  };
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) fail(key, `is not a pool option (known: ${[...KNOWN].join(', ')})`);
  }

  const factory = options.factory;
  if (factory === null || typeof factory !== 'object') fail('factory', 'is required: { create(ctx), destroy?, validate? }');
  if (typeof factory.create !== 'function') fail('factory.create', 'must be a function');
  if (factory.destroy !== undefined && typeof factory.destroy !== 'function') fail('factory.destroy', 'must be a function');
  if (factory.validate !== undefined && typeof factory.validate !== 'function') fail('factory.validate', 'must be a function');

  const strategy = options.strategy ?? 'lifo';
  if (strategy !== 'lifo' && strategy !== 'fifo') fail('strategy', `must be "lifo" or "fifo", got ${JSON.stringify(strategy)}`);

  const restart = options.restart ?? {};
  if (restart === null || typeof restart !== 'object') fail('restart', 'must be an object');
  for (const key of Object.keys(restart)) {
    if (!KNOWN_RESTART.has(key)) fail(`restart.${key}`, 'is not a restart option (known: maxRestarts, withinMs, backoff)');
  }
  const backoff = restart.backoff ?? defaultBackoff;
  if (typeof backoff !== 'function') count(backoff, 'restart.backoff', { min: 0, integer: false, max: MAX_DELAY });

  return {
    name,
    factory,
    strategy,
    size: count(options.size ?? 5, 'size', { min: 0 }),
    maxOverflow: count(options.maxOverflow ?? 10, 'maxOverflow', { min: 0 }),
    checkoutTimeout: count(options.checkoutTimeout ?? 5000, 'checkoutTimeout', { min: 0, integer: false, infinite: true, max: MAX_DELAY }),
    maxWaiting: count(options.maxWaiting ?? Infinity, 'maxWaiting', { min: 0, infinite: true }),
    createTimeout: count(options.createTimeout ?? Infinity, 'createTimeout', { min: 1, integer: false, infinite: true, max: MAX_DELAY }),
    overflowTtl: count(options.overflowTtl ?? 0, 'overflowTtl', { min: 0, integer: false, max: MAX_DELAY }),
    leaseTimeout: count(options.leaseTimeout ?? Infinity, 'leaseTimeout', { min: 1, integer: false, infinite: true, max: MAX_DELAY }),
    maxRestarts: count(restart.maxRestarts ?? 5, 'restart.maxRestarts', { min: 0 }),
    restartWithinMs: count(restart.withinMs ?? 5000, 'restart.withinMs', { min: 1, integer: false }),
    backoff: typeof backoff === 'function' ? backoff : () => backoff,
  };

  function count(
    value: unknown,
    option: string,
    rule: { min: number; max?: number; integer?: boolean; infinite?: boolean },
  ): number {
    if (typeof value === 'number' && value === Infinity && rule.infinite) return value;
    const valid =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      value >= rule.min &&
      value <= (rule.max ?? Infinity) &&
      (rule.integer === false || Number.isInteger(value));
    if (valid) return value;
    const kind = rule.integer === false ? 'a number' : 'an integer';
    const range = rule.max === undefined ? `>= ${rule.min}` : `from ${rule.min} to ${rule.max}`;
    return fail(option, `must be ${kind} ${range}${rule.infinite ? ' (or Infinity)' : ''}, got ${describe(value)}`);
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
