import type { INestApplication } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { type Pool, PoolRegistry, type PoolStatus } from 'nestjs-pool';
import { chaosModule, type ChaosPoolName, FaultLedger } from './chaos-app.js';
import { noOutcomes, type RequestPlan, type RequestResult, runLoad } from './http-load.js';
import { Prng } from './prng.js';
import { settle } from './resources.js';

export const CHAOS_POOL_NAMES: readonly ChaosPoolName[] = ['clients', 'threads', 'procs'];

/**
 * One request of the fault schedule: which pool it goes to, what it injects, whether (and when)
 * its client hangs up. 60 % go to the class workers (15 % of those on the 1 ms checkout route,
 * 3 % kill their worker halfway), 33 % to threads and 7 % to processes (3 % of those end their
 * thread or process, 5 % throw), and 10 % of all clients leave 0-15 ms after sending, which lands
 * while queued or while served.
 */
export function planRequest(prng: Prng): RequestPlan {
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
}

/** The chaos app on a loopback port, the load that hits it, and what both sides counted. */
export class ChaosRun {
  readonly ledger: FaultLedger;
  readonly outcomes = noOutcomes();
  /** Clients that left a pool's queue (the pool's `abort` event). */
  readonly queuedAborts: Record<ChaosPoolName, number> = { clients: 0, threads: 0, procs: 0 };
  /** The first few `unexpected` and `hung` results, for the failure message. */
  readonly oddities: RequestResult[] = [];
  sent = 0;
  slowestMs = 0;
  readonly #prng: Prng;
  readonly #plans: Prng;
  readonly #monkey: Prng;
  #app: INestApplication | undefined;
  #base = '';
  #pools: Record<ChaosPoolName, Pool> | undefined;

  constructor(readonly seed: number) {
    this.#prng = new Prng(seed);
    this.ledger = new FaultLedger(this.#prng.fork(1), 0.1);
    this.#monkey = this.#prng.fork(2);
    this.#plans = this.#prng.fork(3);
  }

  get pools(): Record<ChaosPoolName, Pool> {
    return this.#pools!;
  }

  async start(adapter: AbstractHttpAdapter): Promise<void> {
    const moduleRef = await Test.createTestingModule({ imports: [chaosModule(this.ledger)] }).compile();
    this.#app = moduleRef.createNestApplication(adapter, { logger: false, forceCloseConnections: true });
    await this.#app.listen(0, '127.0.0.1');
    this.#base = `http://127.0.0.1:${(this.#app.getHttpServer().address() as AddressInfo).port}`;
    const registry = this.#app.get(PoolRegistry);
    this.#pools = Object.fromEntries(CHAOS_POOL_NAMES.map((name) => [name, registry.get(name)])) as Record<ChaosPoolName, Pool>;
    for (const name of CHAOS_POOL_NAMES) this.#pools[name].on('abort', () => this.queuedAborts[name]++);
    this.ledger.armed = true;
  }

  /** Sends planned requests, `concurrency` at a time, while `more(sent)` says so; 1 % of them are followed by the monkey. */
  async load(options: { concurrency: number; hangAfterMs: number; more: (sent: number) => boolean }): Promise<void> {
    await runLoad({
      base: this.#base,
      concurrency: options.concurrency,
      hangAfterMs: options.hangAfterMs,
      next: () => (options.more(this.sent) ? (this.sent++, planRequest(this.#plans)) : undefined),
      onResult: (result) => {
        this.outcomes[result.outcome]++;
        this.slowestMs = Math.max(this.slowestMs, result.ms);
        if ((result.outcome === 'unexpected' || result.outcome === 'hung') && this.oddities.length < 10) this.oddities.push(result);
        if (this.#monkey.chance(0.01)) this.ledger.crashRandomClient();
      },
    });
  }

  /** Stops injecting create failures and waits (up to 5 s) for every pool to be back to its size, idle. */
  async settle(): Promise<void> {
    this.ledger.armed = false;
    const settled = (status: PoolStatus): boolean =>
      status.busy === 0 && status.waiting === 0 && status.starting === 0 && status.workers === status.size;
    await settle(() => CHAOS_POOL_NAMES.every((name) => settled(this.pools[name].status())), 5_000);
  }

  /** Closes the app; then waits (up to 5 s) for every thread and process to be gone. */
  async close(): Promise<void> {
    const app = this.#app;
    this.#app = undefined;
    await app?.close();
    await settle(() => this.ledger.liveRemote.size === 0, 5_000);
  }

  /** What the run did, for the README's figures and failure messages. */
  summary(): object {
    const { createFailures, workerExits, kills, taskThrows, servedAborts } = this.ledger;
    const restarts = Object.fromEntries(CHAOS_POOL_NAMES.map((name) => [name, this.#pools?.[name].status().restarts]));
    return {
      seed: this.seed,
      sent: this.sent,
      outcomes: this.outcomes,
      injected: { createFailures, workerExits, kills, taskThrows },
      clientsLeft: { queued: this.queuedAborts, served: servedAborts },
      restarts,
      workers: { made: this.ledger.made, destroyed: this.ledger.destroyed },
      slowestMs: Math.round(this.slowestMs),
    };
  }
}
