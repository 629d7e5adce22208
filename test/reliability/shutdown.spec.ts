import { describe, expect, it } from '@jest/globals';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import type { PoolStatus } from 'nestjs-pool';
import { buildSample, ROOT, SAMPLE_MAIN } from './support/sample-build.js';

const PROBE = fileURLToPath(new URL('./support/shutdown-probe.mjs', import.meta.url));
/** The sample's `PoolModule.forRoot({ shutdownTimeout })`, and how much longer the process may take to end. */
const SHUTDOWN_TIMEOUT = 10_000;
const EXIT_MARGIN = 3_000;
/** Slow enough that requests are still queued when SIGTERM arrives, quick enough to drain in about 3 s. */
const LATENCY_MS = 250;

/** Requests sent at once before the signal, per pool: more than its workers, so some are served and some queued. */
const BURSTS = [
  // 3 quotes workers (2 + 1 overflow): drained in 4 rounds of one call (1 s, under the 2 s checkout timeout)
  { pool: 'quotes', workers: 3, paths: Array.from({ length: 12 }, (_, i) => `/quotes/sym${i}`) },
  // 1 reports worker, 4 calls a report: drained in 3 s (30 s checkout timeout)
  { pool: 'reports', workers: 1, paths: Array.from({ length: 3 }, () => '/reports/2024-05-01') },
  // 2 hash threads, about 0.15 s of CPU a hash (sent last, as CPU work drains on its own clock): drained in 3 rounds
  { pool: 'hash', workers: 2, paths: Array.from({ length: 6 }, (_, i) => `/hash/input${i}?rounds=100000`) },
];

interface Reply {
  status: number;
  body: any;
  retryAfter?: string;
}

interface ProbeEvent {
  event: string;
  pool?: string;
  id?: number;
  reason?: string;
  state?: string;
  session?: number;
  signal?: string;
  code?: number;
}

/** The sample app in a child process, as `npm start` runs it, with the probe preloaded. */
class SampleProcess {
  readonly child: ChildProcess;
  readonly events: ProbeEvent[] = [];
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #waiters: (() => void)[] = [];

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--import', PROBE, SAMPLE_MAIN], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = once(this.child, 'exit').then(([code, signal]) => {
      for (const wake of this.#waiters.splice(0)) wake();
      return { code, signal } as { code: number | null; signal: NodeJS.Signals | null };
    });
    let pending = '';
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.output += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) if (line.startsWith('PROBE ')) this.events.push(JSON.parse(line.slice(6)) as ProbeEvent);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
  }

  /** Resolves once the output satisfies `condition` (the test's timeout bounds the wait). */
  async until<T>(condition: () => T | undefined): Promise<T> {
    for (let value = condition(); ; value = condition()) {
      if (value !== undefined && value !== false) return value;
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`the sample exited early:\n${this.output}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  url(): Promise<string> {
    return this.until(() => /Listening on (http:\/\/\S+)/.exec(this.output)?.[1]);
  }

  probed(pool: string, event: string): ProbeEvent[] {
    return this.events.filter((e) => e.pool === pool && e.event === event);
  }
}

const byNumber = (a: number, b: number): number => a - b;

function get(agent: http.Agent, url: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          const retryAfter = response.headers['retry-after'];
          resolve({ status: response.statusCode!, body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text, retryAfter });
        });
      })
      .on('error', reject);
  });
}

describe('the sample app shutting down under load (SIGTERM to a real process)', () => {
  it('completes every accepted request, refuses new ones, exits within shutdownTimeout and destroys every worker once', async () => {
    await buildSample();
    const sample = new SampleProcess({ UPSTREAM_LATENCY_MS: String(LATENCY_MS), POOL_OBSERVER: 'off' });
    const agent = new http.Agent({ keepAlive: false });
    // Whatever happens, the child goes before jest's timeout: every wait on it then ends.
    const watchdog = setTimeout(() => sample.child.kill('SIGKILL'), 45_000);
    try {
      const base = await sample.url();

      // Requests in flight and queued: every worker busy, the rest waiting in the pools' queues,
      // and every request sent has reached its pool (served, serving or queued).
      const done = new Map(BURSTS.map((burst) => [burst.pool, 0]));
      const accepted: Promise<Reply>[] = [];
      const send = (burst: (typeof BURSTS)[number]): void => {
        for (const path of burst.paths) {
          const reply = get(agent, `${base}${path}`).then(
            (reply) => (done.set(burst.pool, done.get(burst.pool)! + 1), reply),
            (error: Error): Reply => ({ status: 0, body: error.message }),
          );
          accepted.push(reply);
        }
      };
      const loaded = async (bursts: typeof BURSTS): Promise<void> => {
        for (;;) {
          const statuses = new Map(((await get(agent, `${base}/pools`)).body as PoolStatus[]).map((status) => [status.name, status]));
          const full = bursts.every(({ pool, workers, paths }) => {
            const { busy, waiting } = statuses.get(pool)!;
            return busy === workers && waiting > 0 && busy + waiting + done.get(pool)! === paths.length;
          });
          if (full) return;
          if (bursts.some(({ pool, paths }) => done.get(pool)! > paths.length - 2)) throw new Error('a pool drained before the signal: raise LATENCY_MS or the hash rounds');
          await delay(10);
        }
      };
      const upstreamBursts = BURSTS.filter((burst) => burst.pool !== 'hash');
      upstreamBursts.forEach(send);
      await loaded(upstreamBursts);
      BURSTS.filter((burst) => burst.pool === 'hash').forEach(send);
      await loaded(BURSTS);
      // Each live worker of the upstream pools holds one session, as the sample's own /upstream reports.
      const live = ['quotes', 'reports'].reduce((sum, pool) => sum + sample.probed(pool, 'workerStart').length - sample.probed(pool, 'workerExit').length, 0);
      expect((await get(agent, `${base}/upstream`)).body).toMatchObject({ openSessions: live });

      const signalled = Date.now();
      sample.child.kill('SIGTERM');

      // Once the pools drain, new checkouts are refused: 503, while the server still answers.
      const draining = (pool: string): boolean => sample.probed(pool, 'state').some((e) => e.state === 'draining');
      await sample.until(() => draining('quotes') && draining('reports') && draining('hash'));
      const late = await Promise.all(['/quotes/late', '/reports/2024-05-02', '/hash/late'].map((path) => get(agent, `${base}${path}`)));
      expect(late).toMatchObject([
        { status: 503, retryAfter: '1', body: { pool: 'quotes', reason: 'shutting-down' } },
        { status: 503, retryAfter: '1', body: { pool: 'reports', reason: 'shutting-down' } }, // through the sample's PoolErrorFilter
        { status: 503, retryAfter: '1', body: { pool: 'hash', reason: 'shutting-down' } },
      ]);

      // Every request accepted before the signal completes.
      const replies = await Promise.all(accepted);
      expect(replies.filter((reply) => reply.status !== 200)).toEqual([]);

      // The process exits 0 on its own, well within shutdownTimeout, after a completed shutdown.
      const exit = await sample.exited;
      const exitedAt = Date.now();
      expect(exitedAt - signalled).toBeLessThan(SHUTDOWN_TIMEOUT + EXIT_MARGIN);
      expect(sample.events.some((e) => e.event === 'exit')).toBe(true);
      expect(exit).toEqual({ code: 0, signal: null });
      // Now the server is gone: connections are refused.
      await expect(get(agent, `${base}/quotes/after`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

      // Every worker of every pool that started was destroyed exactly once, and every upstream session closed once.
      const names = [...new Set(sample.events.map((e) => e.pool).filter((pool) => pool !== undefined))];
      expect(names).toEqual(expect.arrayContaining(['quotes', 'reports', 'hash']));
      for (const pool of names) {
        const started = sample.probed(pool, 'workerStart').map((e) => e.id!).sort(byNumber);
        const exits = sample.probed(pool, 'workerExit').map((e) => e.id!).sort(byNumber);
        expect({ pool, exits }).toEqual({ pool, exits: started });
        expect(sample.probed(pool, 'state').at(-1)?.state).toBe('stopped');
      }
      const opened = sample.events.filter((e) => e.event === 'openSession').map((e) => e.session!).sort(byNumber);
      const closed = sample.events.filter((e) => e.event === 'closeSession').map((e) => e.session!).sort(byNumber);
      expect(opened.length).toBeGreaterThanOrEqual(4);
      expect(closed).toEqual(opened);
      if (process.env.RELIABILITY_VERBOSE) {
        const workers = Object.fromEntries(names.map((pool) => [pool, sample.probed(pool!, 'workerExit').length]));
        console.info(JSON.stringify({ accepted: replies.length, refused: late.length, exitMs: exitedAt - signalled, exit, workersDestroyed: workers, sessions: closed.length }));
      }
    } catch (error) {
      if (error instanceof Error) error.message += `\n\nThe sample's output:\n${sample.output}`;
      throw error;
    } finally {
      clearTimeout(watchdog);
      agent.destroy();
      if (sample.child.exitCode === null && sample.child.signalCode === null) sample.child.kill('SIGKILL');
    }
  }, 60_000);
});
