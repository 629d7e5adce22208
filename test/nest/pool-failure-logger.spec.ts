import { describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { once } from 'node:events';
import { PoolModule, PoolRegistry, type WorkerContext } from 'nestjs-pool';

describe('a failing pool is logged', () => {
  it('logs the failure as an error naming the pool and why', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const contexts: WorkerContext[] = [];
    const moduleRef = await Test.createTestingModule({
      imports: [
        PoolModule.forRoot({
          pools: [
            {
              name: 'flaky',
              size: 1,
              restart: { maxRestarts: 0, withinMs: 60_000 },
              factory: { create: (ctx) => (contexts.push(ctx), { id: ctx.id }) },
            },
          ],
        }),
      ],
    }).compile();
    const app = await moduleRef.createNestApplication({ logger: false }).init();
    const pool = app.get(PoolRegistry).get('flaky');
    const failed = once(pool, 'failed');
    contexts[0]!.exit(new Error('socket closed'));
    await failed;
    expect(error).toHaveBeenCalledWith('Pool "flaky" failed: more than 0 restarts within 60000 ms (last: Pool "flaky": worker 1 exited: socket closed)', expect.any(String));
    error.mockRestore();
    await app.close();
  });
});
