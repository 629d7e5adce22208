import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import { modelConfigArbitrary, STOP_TIMEOUTS, TICK } from './model/model-config.js';
import { AdvanceCommand, poolCommands, SettleCreateCommand, SettleDestroyCommand, StopCommand } from './model/pool-commands.js';
import { PoolHarness } from './model/pool-harness.js';
import { assertLeaseSignal, assertMatchesModel } from './model/pool-invariants.js';
import { PoolModel } from './model/pool-model.js';

/** CI runs a fixed seed; `npm run test:fuzz` raises the runs, FC_SEED explores other sequences. */
const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 1000);
const SEED = Number(process.env.FC_SEED ?? 20240611);
/** About 1.5 ms a run on an idle machine; leave room for a busy one. */
const TIMEOUT = Math.max(60_000, NUM_RUNS * 30);

describe('Pool against its model (fast-check)', () => {
  beforeAll(() => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
  });
  afterAll(() => {
    jest.useRealTimers();
  });

  it('keeps poolboy semantics and leaks nothing under random checkouts, checkins, deaths, aborts, timeouts and stop', async () => {
    await fc.assert(
      fc.asyncProperty(
        modelConfigArbitrary,
        fc.commands([poolCommands], { maxCommands: 60, size: 'medium' }),
        fc.constantFrom(...STOP_TIMEOUTS),
        async (cfg, commands, stopTimeout) => {
          jest.clearAllTimers();
          jest.setSystemTime(0);
          let env: { model: PoolModel; real: PoolHarness } | undefined;
          await fc.asyncModelRun(async () => {
            const real = new PoolHarness(cfg);
            const model = new PoolModel(cfg);
            await real.flush();
            assertMatchesModel(model, real);
            env = { model, real };
            return env;
          }, commands);
          const { model, real } = env!;

          // Stop and let every deadline pass: only async destroys may hold stop() now. Then
          // finish every destroy and create still pending (a late worker is destroyed at once).
          if (model.stop === undefined) await new StopCommand(stopTimeout).run(model, real);
          await new AdvanceCommand(100 * TICK).run(model, real);
          expect(model.stop?.phase).toMatch(/^(destroys|done)$/);
          while (model.destroying.size > 0 || model.creates.size > 0) {
            if (model.destroying.size > 0) await new SettleDestroyCommand(0, true).run(model, real);
            else await new SettleCreateCommand(0, model.creates.size % 2 === 0).run(model, real);
          }
          expect(model.lifecycle).toBe('stopped');

          // Nothing left: no worker, no waiter, no lease, no timer; every worker destroyed exactly once.
          expect(real.pool.status()).toMatchObject({ state: 'stopped', workers: 0, idle: 0, busy: 0, waiting: 0, starting: 0 });
          expect(real.stopped?.state).toBe('fulfilled');
          expect(jest.getTimerCount()).toBe(0);
          for (const [id, worker] of real.factory.workers) {
            expect([id, real.factory.destroyed.get(worker.id)?.length]).toEqual([id, 1]);
            expect(real.factory.contexts.get(id)!.signal.aborted).toBe(true);
          }
          for (const [i, client] of real.clients.entries()) {
            expect(client.outcome.state).not.toBe('pending');
            expect(client.outcome.value?.held ?? false).toBe(false);
            assertLeaseSignal(i, model.clients[i]!, client);
          }
        },
      ),
      { seed: SEED, numRuns: NUM_RUNS },
    );
  }, TIMEOUT);
});
