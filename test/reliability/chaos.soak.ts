import { describe, expect, it } from '@jest/globals';
import { ExpressAdapter } from '@nestjs/platform-express';
import vm from 'node:vm';
import { CHAOS_POOLS } from './support/chaos-app.js';
import { CHAOS_POOL_NAMES, ChaosRun } from './support/chaos-run.js';
import { seedFrom } from './support/prng.js';
import { activeResources, leftBehind, settle } from './support/resources.js';

/**
 * Soak: the chaos run's mixed load and faults for SOAK_SECONDS (default 600), with the heap (after
 * a forced full GC) and the count of active handles sampled every second. It fails if either keeps
 * growing: a least-squares line through the second half of the samples (the first half is
 * warm-up: the heap climbs for about 30 s while code and caches warm) may rise by at most
 * SOAK_HEAP_GROWTH_MB (2) of heap and SOAK_HANDLE_GROWTH (5) handles over that half. Over the
 * default run's 300 s that is a slope of 7 KB/s and one handle a minute; sample noise is about
 * 0.2 MB and 5 handles around the line, a fraction of that once fitted.
 * `npm run soak`; not part of `npm test`.
 */
const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const SEED = seedFrom('SOAK_SEED', 20_240_611);
const HEAP_GROWTH_LIMIT = Number(process.env.SOAK_HEAP_GROWTH_MB ?? 2) * 2 ** 20;
const HANDLE_GROWTH_LIMIT = Number(process.env.SOAK_HANDLE_GROWTH ?? 5);
const CONCURRENCY = 16;

interface Sample {
  /** Seconds since the load started. */
  t: number;
  heapUsed: number;
  handles: number;
  /** Threads and processes alive. */
  remote: number;
}

/** `gc()` of a context made while `--expose-gc` is on (jest's own context does not get it). */
function collector(): () => void {
  const gc: unknown = vm.runInNewContext('typeof gc === "function" ? gc : undefined');
  if (typeof gc !== 'function') throw new Error('the soak needs a full GC before each sample: run it with node --expose-gc (npm run soak does)');
  return gc as () => void;
}

/** The slope of the least-squares line through (x, y), per unit of x. */
function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const covariance = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const variance = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  return covariance / variance;
}

const log = (line: string): void => void process.stderr.write(`[soak] ${line}\n`);

describe('soak', () => {
  it(`${SECONDS} s of mixed load and faults: heap and handles do not grow`, async () => {
    const gc = collector();
    const before = activeResources();
    const run = new ChaosRun(SEED);
    const samples: Sample[] = [];
    try {
      await run.start(new ExpressAdapter());
      const started = Date.now();
      const deadline = started + SECONDS * 1000;
      const sampler = setInterval(() => {
        gc();
        const sample = {
          t: (Date.now() - started) / 1000,
          heapUsed: process.memoryUsage().heapUsed,
          handles: process.getActiveResourcesInfo().length,
          remote: run.ledger.liveRemote.size,
        };
        samples.push(sample);
        if (samples.length % 60 === 0) {
          log(`${Math.round(sample.t)} s: ${run.sent} requests, heap ${(sample.heapUsed / 2 ** 20).toFixed(1)} MB, ${sample.handles} handles, ${sample.remote} threads and processes`);
        }
      }, 1000);
      try {
        await run.load({ concurrency: CONCURRENCY, hangAfterMs: 5_000, more: () => Date.now() < deadline });
      } finally {
        clearInterval(sampler);
      }

      const secondHalf = samples.slice(Math.floor(samples.length / 2));
      const span = secondHalf.at(-1)!.t - secondHalf[0]!.t;
      const heapGrowth = slope(secondHalf.map((s) => [s.t, s.heapUsed])) * span;
      const handleGrowth = slope(secondHalf.map((s) => [s.t, s.handles])) * span;
      const mb = (bytes: number): number => +(bytes / 2 ** 20).toFixed(2);
      log(
        JSON.stringify({
          ...run.summary(),
          samples: samples.length,
          heapMB: { first: mb(samples[0]!.heapUsed), last: mb(samples.at(-1)!.heapUsed), secondHalfGrowth: mb(heapGrowth) },
          handles: { first: samples[0]!.handles, last: samples.at(-1)!.handles, max: Math.max(...samples.map((s) => s.handles)), secondHalfGrowth: +handleGrowth.toFixed(2) },
        }),
      );
      const stride = Math.max(1, Math.floor(samples.length / 20));
      log(`t s: heap MB / handles  ${samples.filter((_, i) => i % stride === 0).map((s) => `${Math.round(s.t)}: ${mb(s.heapUsed)}/${s.handles}`).join('  ')}`);

      expect(run.outcomes.unexpected + run.outcomes.hung).toBe(0);
      expect(samples.length).toBeGreaterThanOrEqual(Math.min(SECONDS - 1, 20));
      expect(heapGrowth).toBeLessThan(HEAP_GROWTH_LIMIT);
      expect(handleGrowth).toBeLessThan(HANDLE_GROWTH_LIMIT);

      await run.settle();
      for (const name of CHAOS_POOL_NAMES) {
        expect(run.pools[name].status()).toMatchObject({ busy: 0, waiting: 0, starting: 0, workers: CHAOS_POOLS[name].size });
      }
      expect(run.pools.clients.status().restarts).toBe(run.ledger.createFailures + run.ledger.workerExits);
      expect(run.pools.threads.status().restarts).toBe(run.ledger.kills.threads);
      expect(run.pools.procs.status().restarts).toBe(run.ledger.kills.procs);
      await run.close();
      expect({ undestroyed: run.ledger.undestroyed.size, destroyedAgain: run.ledger.destroyedAgain, remote: run.ledger.liveRemote.size }).toEqual({
        undestroyed: 0,
        destroyedAgain: 0,
        remote: 0,
      });
      await settle(() => leftBehind(before, activeResources()).length === 0, 3_000);
      expect(leftBehind(before, activeResources())).toEqual([]);
    } catch (error) {
      if (error instanceof Error) error.message += `\n\nReplay with SOAK_SEED=${SEED} SOAK_SECONDS=${SECONDS}.`;
      throw error;
    } finally {
      await run.close();
    }
  }, SECONDS * 1000 + 120_000);
});
