import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { firstValueFrom, lastValueFrom, NEVER, of, throwError } from 'rxjs';
import { Pool, PoolRegistry, PoolTimeoutError, PoolWorkerInterceptor, UsePoolWorker } from 'nestjs-pool';

class RpcController {
  @UsePoolWorker('rpc', { timeout: 0 })
  handle(): void {}
}

/** An RPC call as Nest's microservices build it: (data, context). */
function rpcContext(): ExecutionContextHost {
  const context = new ExecutionContextHost([{ pattern: 'sum' }, { id: Math.random() }], RpcController, RpcController.prototype.handle);
  context.setType('rpc');
  return context;
}

describe('PoolWorkerInterceptor outside HTTP (rpc)', () => {
  let registry: PoolRegistry;
  let pool: Pool<object>;
  let interceptor: PoolWorkerInterceptor;

  beforeEach(async () => {
    registry = new PoolRegistry();
    pool = await registry.start({ name: 'rpc', size: 1, maxOverflow: 0, factory: { create: () => ({}) } });
    interceptor = new PoolWorkerInterceptor(new Reflector(), registry);
  });

  afterEach(() => registry.stopAll());

  it('checks in when the handler completes or errors', async () => {
    await expect(lastValueFrom(interceptor.intercept(rpcContext(), { handle: () => of(42) }))).resolves.toBe(42);
    expect(pool.status()).toMatchObject({ busy: 0, idle: 1 });
    const failing = interceptor.intercept(rpcContext(), { handle: () => throwError(() => new Error('rpc failed')) });
    await expect(lastValueFrom(failing)).rejects.toThrow('rpc failed');
    expect(pool.status()).toMatchObject({ busy: 0, idle: 1 });
  });

  it('throws the pool error itself, not an HTTP exception', async () => {
    const holding = interceptor.intercept(rpcContext(), { handle: () => NEVER }).subscribe();
    await new Promise((resolve) => setImmediate(resolve));
    expect(pool.status().busy).toBe(1);
    await expect(firstValueFrom(interceptor.intercept(rpcContext(), { handle: () => of(1) }))).rejects.toBeInstanceOf(
      PoolTimeoutError,
    );
    holding.unsubscribe(); // the caller went away: the worker comes back
    expect(pool.status()).toMatchObject({ busy: 0, waiting: 0 });
  });
});
