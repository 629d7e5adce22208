import { describe, expect, it } from '@jest/globals';
import { Pool, PoolConfigError, type PoolOptions } from 'nestjs-pool';

const factory = { create: () => ({}) };

describe('pool options', () => {
  it('applies poolboy defaults', () => {
    const pool = new Pool({ name: 'd', factory });
    expect(pool).toMatchObject({ size: 5, maxOverflow: 10, strategy: 'lifo', checkoutTimeout: 5000, maxWaiting: Infinity });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['size', { size: -1 }, 'must be an integer >= 0, got -1'],
    ['size', { size: 1.5 }, 'must be an integer >= 0, got 1.5'],
    ['size', { size: Number.NaN }, 'must be an integer >= 0, got NaN'],
    ['size', { size: '5' }, 'must be an integer >= 0, got "5"'],
    ['maxOverflow', { maxOverflow: Infinity }, 'must be an integer >= 0, got Infinity'],
    ['strategy', { strategy: 'random' }, 'must be "lifo" or "fifo", got "random"'],
    ['checkoutTimeout', { checkoutTimeout: -5 }, 'must be a number from 0 to 2147483647 (or Infinity), got -5'],
    ['checkoutTimeout', { checkoutTimeout: 2 ** 31 }, 'must be a number from 0 to 2147483647 (or Infinity), got 2147483648'],
    ['maxWaiting', { maxWaiting: 0.5 }, 'must be an integer >= 0 (or Infinity), got 0.5'],
    ['createTimeout', { createTimeout: 0 }, 'must be a number from 1 to 2147483647 (or Infinity), got 0'],
    ['overflowTtl', { overflowTtl: Infinity }, 'must be a number from 0 to 2147483647, got Infinity'],
    ['leaseTimeout', { leaseTimeout: true }, 'must be a number from 1 to 2147483647 (or Infinity), got true'],
    ['restart.maxRestarts', { restart: { maxRestarts: -1 } }, 'must be an integer >= 0, got -1'],
    ['restart.withinMs', { restart: { withinMs: 0 } }, 'must be a number >= 1, got 0'],
    ['restart.backoff', { restart: { backoff: 'fast' } }, 'must be a number from 0 to 2147483647, got "fast"'],
    ['restart.tries', { restart: { tries: 3 } }, 'is not a restart option (known: maxRestarts, withinMs, backoff)'],
    ['factory', { factory: undefined }, 'is required: { create(ctx), destroy?, validate? }'],
    ['factory.create', { factory: {} }, 'must be a function'],
    ['factory.destroy', { factory: { create: () => 1, destroy: 1 } }, 'must be a function'],
    ['maxOverFlow', { maxOverFlow: 1 }, 'is not a pool option'],
  ])('%s: %j is rejected at construction', (option, bad, problem) => {
    const create = () => new Pool({ name: 'cfg', factory, ...bad } as PoolOptions<unknown>);
    expect(create).toThrow(PoolConfigError);
    expect(create).toThrow(`Pool "cfg": option "${option}" ${problem}`);
  });

  it.each([undefined, '', '  ', 42])('a missing or empty name (%j) is rejected', (name) => {
    expect(() => new Pool({ name, factory } as unknown as PoolOptions<unknown>)).toThrow(/option "name" must be a non-empty string/);
  });

  it('accepts Infinity where it means "no limit"', () => {
    expect(() => new Pool({ name: 'inf', factory, checkoutTimeout: Infinity, maxWaiting: Infinity, leaseTimeout: Infinity })).not.toThrow();
  });
});
