import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import {
  PoolFailedError,
  ProcessPool,
  ThreadPool,
  WorkerAbortedError,
  WorkerExitError,
  WorkerLoadError,
  WorkerTimeoutError,
  type RestartOptions,
  type WorkerPool,
} from 'nestjs-pool';

interface TestPoolOptions {
  size?: number;
  maxOverflow?: number;
  restart?: RestartOptions;
  module?: URL;
}

const fixture = (name: string): URL => new URL(`./fixtures/${name}`, import.meta.url);
const MATH = fixture('math.worker.mjs');

/** Where the worker runs, so each test reads the same for threads and processes. */
const kinds: [string, (name: string, options?: TestPoolOptions) => WorkerPool][] = [
  ['thread', (name, { module = MATH, ...options } = {}) => new ThreadPool({ name, size: 1, ...options, thread: { filename: module } }) as unknown as WorkerPool],
  ['process', (name, { module = MATH, ...options } = {}) => new ProcessPool({ name, size: 1, ...options, process: { modulePath: module } }) as unknown as WorkerPool],
];

async function started(pool: WorkerPool): Promise<WorkerPool> {
  await pool.start();
  return pool;
}

describe.each(kinds)('%s workers', (kind, makePool) => {
  const newPool = (options?: TestPoolOptions) => started(makePool(`${kind}s`, options));

  it('run the default and named functions, with structured-clone data both ways', async () => {
    const pool = await newPool();
    try {
      expect(await pool.run(7)).toBe(49);
      expect(await pool.call('add', 2, 3)).toBe(5);
      const data = { when: new Date(0), seen: new Map([['a', new Set([1, 2])]]), bytes: new Uint8Array([1, 2, 3]), big: 2n ** 70n };
      expect(await pool.run(data, { method: 'echo' })).toEqual(data);
    } finally {
      await pool.stop();
    }
  });

  it('pass an error thrown by a function to its caller (class, message, code, stack) and keep the worker', async () => {
    const pool = await newPool();
    try {
      await using lease = await pool.checkout();
      const error = await lease.worker.call('fail', 'bad pixels').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect(error).toMatchObject({ message: 'bad pixels', code: 'E_FIXTURE' });
      expect((error as Error).stack).toMatch(/^TypeError: bad pixels\n\s+at .*fail \(.*math\.worker\.mjs:\d+:\d+\)/);
      expect(await lease.worker.call('add', 1, 1)).toBe(2);
      expect(lease.held).toBe(true);
      expect(pool.status().restarts).toBe(0);
    } finally {
      await pool.stop();
    }
  });

  it('reject, without harm to the worker, a function the module lacks and a result that cannot be cloned', async () => {
    const pool = await newPool();
    try {
      await using lease = await pool.checkout();
      const missing = await lease.worker.call('nope').catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(TypeError);
      expect((missing as Error).message).toBe(
        `Pool "${kind}s": ${fileURLToPath(MATH)} has no function "nope" (it offers: ${lease.worker.methods.join(', ')})`,
      );
      expect(lease.worker.methods).toEqual(expect.arrayContaining(['add', 'default', 'echo']));
      await expect(lease.worker.call('unclonable')).rejects.toThrow(/could not be cloned/);
      expect(await lease.worker.run(3)).toBe(9);
      expect(pool.status().restarts).toBe(0);
    } finally {
      await pool.stop();
    }
  });

  it('that die of an uncaught error fail the pending call with WorkerExitError and are replaced', async () => {
    const pool = await newPool();
    try {
      const lease = await pool.checkout();
      const exited = once(pool, 'workerExit');
      const replaced = once(pool, 'workerStart');
      const error = await lease.worker.call('crash', 'out of ink').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkerExitError);
      expect(error).toMatchObject({ workerId: lease.workerId, exitCode: 1, message: `Pool "${kind}s": worker ${lease.workerId} exited: out of ink` });
      expect((error as WorkerExitError).reason).toBeInstanceOf(Error);
      expect(lease.held).toBe(false);
      expect(lease.signal.aborted).toBe(true);
      const [workerId, reason] = await exited;
      expect([workerId, reason]).toEqual([lease.workerId, 'exited']);
      const [replacement] = await replaced;
      expect(replacement).not.toBe(lease.workerId);
      expect(pool.status()).toMatchObject({ workers: 1, restarts: 1 });
      expect(await pool.run(4)).toBe(16);
    } finally {
      await pool.stop();
    }
  });

  it('that die while idle are removed and replaced', async () => {
    const pool = await newPool();
    try {
      const exited = once(pool, 'workerExit');
      const replaced = once(pool, 'workerStart');
      expect(await pool.call('crashSoon', 'idle and broken')).toBe('answered');
      const [workerId, reason, error] = await exited;
      expect(reason).toBe('exited');
      expect(error).toMatchObject({ workerId, message: `Pool "${kind}s": worker ${workerId} exited: idle and broken` });
      await replaced;
      expect(pool.status()).toMatchObject({ workers: 1, idle: 1, restarts: 1 });
    } finally {
      await pool.stop();
    }
  });

  it('that call process.exit fail the pending call with the exit code and are replaced', async () => {
    const pool = await newPool();
    try {
      const lease = await pool.checkout();
      const replaced = once(pool, 'workerStart');
      const error = await lease.worker.call('exit', 3).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkerExitError);
      expect(error).toMatchObject({ exitCode: 3, reason: 'exit code 3' });
      await lease.worker.closed;
      await replaced;
      expect(pool.status()).toMatchObject({ workers: 1, restarts: 1 });
    } finally {
      await pool.stop();
    }
  });

  it('are terminated when a call passes its timeout, and replaced', async () => {
    const pool = await newPool();
    try {
      const lease = await pool.checkout();
      const replaced = once(pool, 'workerStart');
      const error = await lease.worker.run(undefined, { method: 'spin', timeout: 20 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkerTimeoutError);
      expect(error).toMatchObject({
        code: 'WORKER_EXIT',
        method: 'spin',
        timeout: 20,
        message: `Pool "${kind}s": worker ${lease.workerId} exited: terminated because call "spin" took longer than 20 ms`,
      });
      expect(lease.held).toBe(false);
      await lease.worker.closed; // the endless loop was stopped: its thread or process is gone
      await replaced;
      expect(await pool.call('add', 1, 2)).toBe(3);
    } finally {
      await pool.stop();
    }
  });

  it('are terminated when a call is aborted, and replaced', async () => {
    const pool = await newPool();
    try {
      const lease = await pool.checkout();
      const replaced = once(pool, 'workerStart');
      const client = new AbortController();
      const call = lease.worker.run(undefined, { method: 'spin', signal: client.signal });
      client.abort(new Error('client went away'));
      const error = await call.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkerAbortedError);
      expect(error).toMatchObject({ method: 'spin', abortReason: new Error('client went away') });
      expect(lease.held).toBe(false);
      await lease.worker.closed;
      await replaced;
      expect(pool.status()).toMatchObject({ workers: 1, restarts: 1 });
    } finally {
      await pool.stop();
    }
  });

  it('killed for clients that left do not count as crashes: a burst of hang-ups cannot fail the pool', async () => {
    const pool = await newPool({ restart: { maxRestarts: 1, withinMs: 60_000 } });
    try {
      for (let i = 0; i < 3; i++) {
        const lease = await pool.checkout();
        const exited = once(pool, 'workerExit');
        const client = new AbortController();
        const call = lease.worker.run(undefined, { method: 'spin', signal: client.signal }).catch(() => undefined);
        client.abort(new Error('client went away'));
        await call;
        const [, , error] = await exited;
        expect(error).toBeInstanceOf(WorkerAbortedError); // observers can tell a hang-up from a crash
        await once(pool, 'workerStart');
      }
      expect(pool.status()).toMatchObject({ state: 'ready', workers: 1, restarts: 3 });
    } finally {
      await pool.stop();
    }
  });

  it('are left alone by a call whose signal was aborted before it started', async () => {
    const pool = await newPool();
    try {
      await using lease = await pool.checkout();
      const reason = new Error('gone already');
      await expect(lease.worker.run(2, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      expect(await lease.worker.run(2)).toBe(4);
      expect(pool.status().restarts).toBe(0);
    } finally {
      await pool.stop();
    }
  });

  it.each([
    ['a missing file', 'missing.worker.mjs', /Cannot find module/],
    ['a syntax error', 'syntax-error.worker.mjs', /SyntaxError: Unexpected/],
    ['a throw at top level', 'throws-on-load.worker.mjs', /no database configured/],
    ['no function to offer', 'no-functions.worker.mjs', /it offers no function/],
  ])('fail start() at once, naming the file, for a module with %s', async (_, file, problem) => {
    const pool = makePool(`${kind}s`, { size: 2, module: fixture(file) });
    const error = await pool.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PoolFailedError);
    const cause = (error as PoolFailedError).cause;
    expect(cause).toBeInstanceOf(WorkerLoadError);
    expect(cause).toMatchObject({ code: 'POOL_CONFIG', option: kind === 'thread' ? 'thread.filename' : 'process.modulePath', filename: fileURLToPath(fixture(file)) });
    expect((cause as Error).message).toContain(fileURLToPath(fixture(file)));
    expect((cause as Error).message).toMatch(problem);
    expect(pool.status()).toMatchObject({ state: 'failed', workers: 0, restarts: 0 });
    await pool.stop();
  });

  it('that keep dying past the restart intensity leave the pool failed', async () => {
    const pool = await newPool({ restart: { maxRestarts: 1, withinMs: 60_000 } });
    try {
      const failed = new Promise<void>((resolve) => pool.on('stateChange', (state) => state === 'failed' && resolve()));
      await expect(pool.call('exit', 1)).rejects.toBeInstanceOf(WorkerExitError); // restart 1 of 1
      await expect(pool.call('exit', 1)).rejects.toBeInstanceOf(WorkerExitError); // one too many
      await failed;
      expect(pool.status()).toMatchObject({ state: 'failed', workers: 0, restarts: 2 });
      await expect(pool.run(1)).rejects.toBeInstanceOf(PoolFailedError);
    } finally {
      await pool.stop();
    }
  });

  it('are all terminated by stop(), calls in flight included', async () => {
    const pool = await newPool({ size: 2, maxOverflow: 1 });
    const leases = [await pool.checkout(), await pool.checkout(), await pool.checkout()];
    const workers = leases.map((lease) => lease.worker);
    const gone = workers.map(() => false);
    workers.forEach((worker, i) => void worker.closed.then(() => (gone[i] = true)));
    const inFlight = workers[0]!.run(undefined, { method: 'spin' }).catch((e: unknown) => e);
    leases[1]!.release();
    await pool.stop({ timeout: 0 });
    const error = await inFlight;
    expect(error).toBeInstanceOf(WorkerExitError);
    expect(error).toMatchObject({ message: `Pool "${kind}s": worker ${workers[0]!.id} exited: destroyed by the pool (stopped)` });
    expect(gone).toEqual([true, true, true]);
    expect(pool.status()).toMatchObject({ state: 'stopped', workers: 0 });
  });
});
