import { describe, expect, it } from '@jest/globals';
import {
  PoolConfigError,
  ProcessPool,
  ThreadPool,
  processWorkerFactory,
  threadWorkerFactory,
  type ProcessWorkerOptions,
  type ThreadWorkerOptions,
} from 'nestjs-pool';

const MATH = new URL('./fixtures/math.worker.mjs', import.meta.url);

function configError(make: () => unknown): PoolConfigError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(PoolConfigError);
    return error as PoolConfigError;
  }
  throw new Error('expected a PoolConfigError');
}

describe('thread and process options', () => {
  it.each<[string, unknown, string, RegExp]>([
    ['no thread options', undefined, 'thread', /must be an object: \{ filename, workerData\?/],
    ['no filename', {}, 'thread.filename', /must be the path or file: URL of the worker module, got undefined/],
    ['an empty filename', { filename: '' }, 'thread.filename', /must be the path or file: URL/],
    ['a URL that is not file:', { filename: new URL('https://example.com/x.mjs') }, 'thread.filename', /must be a file: URL or a path/],
    ['an unknown key', { filename: MATH, file: 'x' }, 'thread.file', /is not an option \(known: filename, workerData, resourceLimits, env\)/],
    ['workerData that cannot be cloned', { filename: MATH, workerData: { f: () => 1 } }, 'thread.workerData', /must be structured-cloneable/],
    ['a bad resource limit', { filename: MATH, resourceLimits: { maxOldGenerationSizeMb: -1 } }, 'thread.resourceLimits.maxOldGenerationSizeMb', /must be a number > 0, got -1/],
    ['an unknown resource limit', { filename: MATH, resourceLimits: { heapMb: 1 } }, 'thread.resourceLimits.heapMb', /is not an option/],
    ['env that is not an object', { filename: MATH, env: 'PATH=/bin' }, 'thread.env', /must be an object of variables, or SHARE_ENV/],
  ])('reject %s, naming the pool and the option', (_, thread, option, problem) => {
    const error = configError(() => threadWorkerFactory('hash', thread as ThreadWorkerOptions));
    expect(error).toMatchObject({ pool: 'hash', option });
    expect(error.message).toMatch(new RegExp(`^Pool "hash": option "${option.replace(/\./g, '\\.')}" `));
    expect(error.message).toMatch(problem);
  });

  it.each<[string, unknown, string, RegExp]>([
    ['no modulePath', { args: [] }, 'process.modulePath', /must be the path or file: URL/],
    ['args that are not strings', { modulePath: MATH, args: [1] }, 'process.args', /must be an array of strings/],
    ['execArgv that is not an array', { modulePath: MATH, execArgv: '--inspect' }, 'process.execArgv', /must be an array of strings/],
    ['env that is not an object', { modulePath: MATH, env: null }, 'process.env', /must be an object of variables/],
    ['a thread option', { modulePath: MATH, workerData: 1 }, 'process.workerData', /is not an option \(known: modulePath, args, execArgv, env\)/],
  ])('reject process options with %s', (_, options, option, problem) => {
    const error = configError(() => processWorkerFactory('render', options as ProcessWorkerOptions));
    expect(error).toMatchObject({ pool: 'render', option });
    expect(error.message).toMatch(problem);
  });

  it('refuse a pool that sets both a factory and a thread or process', () => {
    const factory = { create: () => ({}) };
    expect(configError(() => new ThreadPool({ name: 'both', thread: { filename: MATH }, factory } as never))).toMatchObject({
      option: 'factory',
      message: 'Pool "both": option "factory" cannot be combined with "thread"',
    });
    expect(configError(() => new ProcessPool({ name: 'both', process: { modulePath: MATH }, factory } as never))).toMatchObject({
      option: 'factory',
      message: 'Pool "both": option "factory" cannot be combined with "process"',
    });
  });

  it("pass the pool's own options on to the engine, which checks them", () => {
    expect(configError(() => new ThreadPool({ name: 'sized', size: -1, thread: { filename: MATH } }))).toMatchObject({ option: 'size' });
    expect(configError(() => new ThreadPool({ thread: { filename: MATH } } as never))).toMatchObject({ option: 'name' });
  });

  it('resolve a relative filename against the working directory', async () => {
    const pool = new ThreadPool({ name: 'relative', size: 1, thread: { filename: 'test/workers/fixtures/math.worker.mjs' } });
    await pool.start();
    try {
      await using lease = await pool.checkout();
      expect(lease.worker.filename).toBe(`${process.cwd()}/test/workers/fixtures/math.worker.mjs`);
      expect(await lease.worker.run(3)).toBe(9);
    } finally {
      await pool.stop();
    }
  });

  it('reject a call timeout that a timer cannot honour, naming the pool', async () => {
    const pool = new ThreadPool({ name: 'timeouts', size: 1, thread: { filename: MATH } });
    await pool.start();
    try {
      for (const timeout of [-5, NaN, 2 ** 31]) {
        await expect(pool.run(2, { timeout })).rejects.toThrow(
          new PoolConfigError('timeouts', 'timeout', `must be a number of ms from 0 to 2147483647, or Infinity, got ${timeout}`),
        );
      }
      expect(pool.status().restarts).toBe(0);
      await expect(pool.run(2, { timeout: Infinity })).resolves.toBe(4);
    } finally {
      await pool.stop();
    }
  });
});
