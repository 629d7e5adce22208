import { describe, expect, it } from '@jest/globals';
import { HTTP_ADAPTERS } from '../nest/support/http-adapters.js';
import { CHAOS_POOLS } from './support/chaos-app.js';
import { CHAOS_POOL_NAMES, ChaosRun } from './support/chaos-run.js';
import { seedFrom } from './support/prng.js';
import { activeResources, leftBehind, settle } from './support/resources.js';

/** Replay a failure with the seed its message prints: `CHAOS_SEED=<seed> npm test -- test/reliability/chaos`. */
const SEED = seedFrom('CHAOS_SEED', 20_240_611);
const REQUESTS = Number(process.env.CHAOS_REQUESTS ?? 4000);
const CONCURRENCY = 32;
/** Far above the longest legitimate request (a 1 s checkout wait plus the task), far below jest's timeout. */
const HANG_AFTER_MS = 5_000;

describe.each(HTTP_ADAPTERS)('chaos on %s', (_, adapter) => {
  it(`${REQUESTS} requests while workers crash, tasks throw and exit, clients hang up and checkouts time out: nothing hangs, nothing leaks`, async () => {
    const before = activeResources();
    const run = new ChaosRun(SEED);
    try {
      await run.start(adapter());
      await run.load({ concurrency: CONCURRENCY, hangAfterMs: HANG_AFTER_MS, more: (sent) => sent < REQUESTS });

      // Every request ended, each in a way it was designed to: a 200, a 503 with the pool's reason
      // (timeout, queue-full), a 500 naming the fault injected into it, or its client left.
      const { outcomes, ledger } = run;
      expect({ unexpected: outcomes.unexpected, hung: outcomes.hung, oddities: run.oddities }).toEqual({ unexpected: 0, hung: 0, oddities: [] });
      expect(Object.values(outcomes).reduce((sum, count) => sum + count, 0)).toBe(REQUESTS);
      expect(run.slowestMs).toBeLessThan(HANG_AFTER_MS);
      // The run exercised every fault it claims to (a zero means the schedule or the timing missed one).
      for (const outcome of ['ok', 'timeout', 'queue-full', 'worker-crashed', 'task-threw', 'client-left'] as const) {
        expect([outcome, outcomes[outcome] > 0]).toEqual([outcome, true]);
      }
      expect(outcomes['task-threw']).toBeLessThanOrEqual(ledger.taskThrows);
      const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);
      expect(sum(run.queuedAborts)).toBeGreaterThan(0);
      expect(sum(ledger.servedAborts)).toBeGreaterThan(0);

      // Once the replacements are up and the overflow gone, every pool is back to its size, idle.
      await run.settle();
      for (const name of CHAOS_POOL_NAMES) {
        expect(run.pools[name].status()).toMatchObject({ name, state: 'ready', busy: 0, waiting: 0, starting: 0, overflow: 0, workers: CHAOS_POOLS[name].size });
      }
      // Restarts are exactly the faults injected: every death and failed create was noticed and replaced once.
      expect(run.pools.clients.status().restarts).toBe(ledger.createFailures + ledger.workerExits);
      expect(run.pools.threads.status().restarts).toBe(ledger.kills.threads);
      expect(run.pools.procs.status().restarts).toBe(ledger.kills.procs);
      if (process.env.RELIABILITY_VERBOSE) console.info(JSON.stringify(run.summary()));

      // Every worker ever made was destroyed exactly once, and every thread and process is gone.
      await run.close();
      expect({ undestroyed: [...ledger.undestroyed], destroyedAgain: ledger.destroyedAgain, made: ledger.made }).toEqual({
        undestroyed: [],
        destroyedAgain: 0,
        made: ledger.destroyed,
      });
      expect(ledger.liveRemote.size).toBe(0);
      // No socket, server, ref'd timer or child process left behind.
      await settle(() => leftBehind(before, activeResources()).length === 0, 3_000);
      expect(leftBehind(before, activeResources())).toEqual([]);
    } catch (error) {
      if (error instanceof Error) {
        error.message += `\n\nReplay this fault schedule with CHAOS_SEED=${SEED} CHAOS_REQUESTS=${REQUESTS}. The run: ${JSON.stringify(run.summary())}`;
      }
      throw error;
    } finally {
      await run.close();
    }
  }, 60_000);
});
