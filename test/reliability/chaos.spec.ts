import { describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { type Pool, PoolRegistry, type PoolStatus } from 'nestjs-pool';
import { HTTP_ADAPTERS } from '../nest/support/http-adapters.js';
import { CHAOS_POOLS, chaosModule, type ChaosPoolName, FaultLedger } from './support/chaos-app.js';
import { countOutcomes, type RequestPlan, type RequestResult, runLoad } from './support/http-load.js';
import { Prng, seedFrom } from './support/prng.js';
import { activeResources, leftBehind, settle, within } from './support/resources.js';

/** Replay a failure with the seed its message prints: `CHAOS_SEED=<seed> npm test -- test/reliability/chaos`. */
const SEED = seedFrom('CHAOS_SEED', 20_240_611);
const REQUESTS = Number(process.env.CHAOS_REQUESTS ?? 2000);
const CONCURRENCY = 32;
/** Far above the longest legitimate request (a 1 s checkout wait plus the task), far below jest's timeout. */
const HANG_AFTER_MS = 5_000;

/**
 * The fault schedule, from the seed: which pool each request goes to, what it injects, and
 * whether (and when) its client hangs up. 10 % of the clients leave 0-15 ms after sending, which
 * lands while queued or while served.
 */
function planRequests(prng: Prng, count: number): RequestPlan[] {
  return Array.from({ length: count }, () => {
    const roll = prng.next();
    let path: string;
    if (roll < 0.6) {
      const route = prng.chance(0.15) ? 'impatient' : 'patient';
      path = `/clients/${route}/${prng.int(1, 8)}${prng.chance(0.03) ? '?fault=crash' : ''}`;
    } else {
      const pool = roll < 0.93 ? 'threads' : 'procs';
      const fault = prng.next();
      path = `/remote/${pool}/${prng.int(1_000, 50_000)}${fault < 0.03 ? '?fault=exit' : fault < 0.08 ? '?fault=throw' : ''}`;
    }
    return prng.chance(0.1) ? { path, leaveAfterMs: prng.int(0, 15) } : { path };
  });
}

/** Runs `body`; a failure's message ends with how to replay it. */
async function replayable(seed: number, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (error instanceof Error) error.message += `\n\nReplay this fault schedule with CHAOS_SEED=${seed} (requests: ${REQUESTS}).`;
    throw error;
  }
}

function samples(results: readonly RequestResult[], outcome: string): string {
  return JSON.stringify(results.filter((result) => result.outcome === outcome).slice(0, 5), null, 1);
}

describe.each(HTTP_ADAPTERS)('chaos on %s', (_, adapter) => {
  it(`${REQUESTS} requests while workers crash, tasks throw and exit, clients hang up and checkouts time out: nothing hangs, nothing leaks`, async () => {
    await replayable(SEED, async () => {
      const before = activeResources();
      const prng = new Prng(SEED);
      const ledger = new FaultLedger(prng.fork(1), 0.1);
      const monkey = prng.fork(2);
      const plans = planRequests(prng.fork(3), REQUESTS);

      const moduleRef = await Test.createTestingModule({ imports: [chaosModule(ledger)] }).compile();
      let app: INestApplication | undefined = moduleRef.createNestApplication(adapter(), { logger: false, forceCloseConnections: true });
      try {
        await app.listen(0, '127.0.0.1');
        const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
        const registry = app.get(PoolRegistry);
        const pools = Object.fromEntries((['clients', 'threads', 'procs'] as const).map((name) => [name, registry.get(name)])) as Record<ChaosPoolName, Pool>;
        const queuedAborts: Record<ChaosPoolName, number> = { clients: 0, threads: 0, procs: 0 };
        for (const [name, pool] of Object.entries(pools)) pool.on('abort', () => queuedAborts[name as ChaosPoolName]++);

        ledger.armed = true;
        const results = await runLoad({
          base,
          plans,
          concurrency: CONCURRENCY,
          hangAfterMs: HANG_AFTER_MS,
          afterEach: () => void (monkey.chance(0.01) && ledger.crashRandomClient()),
        });
        ledger.armed = false;

        // Every request ended, each in a way it was designed to.
        const outcomes = countOutcomes(results);
        expect(results.filter(Boolean)).toHaveLength(REQUESTS);
        expect({ unexpected: outcomes.unexpected, hung: outcomes.hung, samples: samples(results, 'unexpected') + samples(results, 'hung') }).toEqual({
          unexpected: 0,
          hung: 0,
          samples: '[][]',
        });
        expect(Math.max(...results.map((result) => result.ms))).toBeLessThan(HANG_AFTER_MS);
        // The run exercised every fault it claims to (a zero means the schedule or the timing missed one).
        for (const outcome of ['ok', 'timeout', 'queue-full', 'worker-crashed', 'task-threw', 'client-left'] as const) {
          expect([outcome, outcomes[outcome] > 0]).toEqual([outcome, true]);
        }
        expect(outcomes['task-threw']).toBeLessThanOrEqual(ledger.taskThrows);
        expect(queuedAborts.clients + queuedAborts.threads + queuedAborts.procs).toBeGreaterThan(0);
        expect(ledger.servedAborts.clients + ledger.servedAborts.threads + ledger.servedAborts.procs).toBeGreaterThan(0);

        // Once the replacements are up and the overflow gone, every pool is back to its size, idle.
        const settled = (status: PoolStatus): boolean => status.busy === 0 && status.waiting === 0 && status.starting === 0 && status.workers === status.size;
        await settle(() => Object.values(pools).every((pool) => settled(pool.status())), 5_000);
        for (const [name, pool] of Object.entries(pools)) {
          expect(pool.status()).toMatchObject({ name, state: 'ready', busy: 0, waiting: 0, starting: 0, overflow: 0, workers: CHAOS_POOLS[name as ChaosPoolName].size });
        }
        // Restarts are exactly the faults injected: every death and failed create was noticed and replaced once.
        expect(pools.clients.status().restarts).toBe(ledger.createFailures + ledger.workerExits);
        expect(pools.threads.status().restarts).toBe(ledger.kills.threads);
        expect(pools.procs.status().restarts).toBe(ledger.kills.procs);

        if (process.env.RELIABILITY_VERBOSE) {
          const restarts = Object.fromEntries(Object.entries(pools).map(([name, pool]) => [name, pool.status().restarts]));
          console.info(JSON.stringify({ seed: SEED, requests: REQUESTS, outcomes, injected: ledger, queuedAborts, restarts }, ['seed', 'requests', 'outcomes', 'injected', 'createFailures', 'workerExits', 'kills', 'taskThrows', 'servedAborts', 'queuedAborts', 'restarts', ...OUTCOME_KEYS, 'clients', 'threads', 'procs']));
        }

        await app.close();
        app = undefined;
        // Every worker ever made was destroyed exactly once, and every thread and process is gone.
        expect([...ledger.made].sort()).toEqual([...ledger.destroys.keys()].sort());
        expect([...ledger.destroys.values()].every((count) => count === 1)).toBe(true);
        expect(await within(Promise.all(ledger.remoteWorkers.map((worker) => worker.closed)), 5_000)).toBe(true);
        // No socket, server, ref'd timer or child process left behind.
        await settle(() => leftBehind(before, activeResources()).length === 0, 3_000);
        expect(leftBehind(before, activeResources())).toEqual([]);
      } finally {
        await app?.close();
      }
    });
  }, 60_000);
});

const OUTCOME_KEYS = ['ok', 'timeout', 'queue-full', 'worker-crashed', 'task-threw', 'client-left', 'unexpected', 'hung'];
