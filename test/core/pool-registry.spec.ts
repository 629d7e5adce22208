import { describe, expect, it } from '@jest/globals';
import { Pool, PoolConfigError, PoolFailedError, PoolNotFoundError, PoolRegistry } from 'nestjs-pool';

const factory = { create: () => ({}) };

describe('PoolRegistry', () => {
  it('starts, looks up, lists and stops named pools at run time', async () => {
    const registry = new PoolRegistry();
    const a = await registry.start({ name: 'a', size: 1, factory });
    await registry.start({ name: 'b', size: 2, factory });
    expect(registry.get('a')).toBe(a);
    expect(registry.has('b')).toBe(true);
    expect(registry.list().map((p) => p.status())).toMatchObject([
      { name: 'a', state: 'ready', workers: 1 },
      { name: 'b', state: 'ready', workers: 2 },
    ]);
    await registry.stop('a');
    expect(a.status().state).toBe('stopped');
    expect(registry.has('a')).toBe(false);
    await registry.stopAll();
    expect(registry.list()).toEqual([]);
  });

  it('rejects a duplicate name, and a name is free again once its pool stopped', async () => {
    const registry = new PoolRegistry();
    await registry.start({ name: 'dup', size: 0, factory });
    await expect(registry.start({ name: 'dup', size: 0, factory })).rejects.toThrow(
      'Pool "dup": option "name" is already taken by another pool; pool names must be unique',
    );
    expect(() => registry.register(new Pool({ name: 'dup', factory }))).toThrow(PoolConfigError);
    await registry.stop('dup');
    await expect(registry.start({ name: 'dup', size: 0, factory })).resolves.toBeInstanceOf(Pool);
    await registry.stopAll();
  });

  it('a pool that cannot start is not registered', async () => {
    const registry = new PoolRegistry();
    const failing = { create: () => Promise.reject(new Error('no database')) };
    await expect(registry.start({ name: 'db', size: 1, factory: failing })).rejects.toBeInstanceOf(PoolFailedError);
    expect(registry.has('db')).toBe(false);
  });

  it('announces pools as they register and leave', async () => {
    const registry = new PoolRegistry();
    const log: string[] = [];
    registry.on('register', (pool) => log.push(`+${pool.name}`));
    registry.on('unregister', (pool) => log.push(`-${pool.name}`));
    await registry.start({ name: 'a', size: 0, factory });
    await registry.start({ name: 'bad', size: 1, factory: { create: () => Promise.reject(new Error('no')) } }).catch(() => undefined);
    await registry.stop('a');
    expect(log).toEqual(['+a', '+bad', '-bad', '-a']);
  });

  it('get() of an unknown name throws PoolNotFoundError', () => {
    expect(() => new PoolRegistry().get('nope')).toThrow(new PoolNotFoundError('nope'));
  });
});
