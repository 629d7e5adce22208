import { jest } from '@jest/globals';
import { PoolError, type PoolStatus } from 'nestjs-pool';
import { PoolHarness, type RealClient } from './pool-harness.js';
import { stateName, type ModelClient, type PoolModel } from './pool-model.js';

function check(condition: boolean, what: string, detail: () => unknown): void {
  if (condition) return;
  throw new Error(`${what}\n${JSON.stringify(detail(), (_, v: unknown) => (v === Infinity ? 'Infinity' : v))}`);
}

/**
 * The invariants, read from the engine alone: they hold whatever the model says.
 * `advanced`: the last command moved the clock, so every checkout past its timeout has settled.
 */
export function assertInvariants(real: PoolHarness, advanced: boolean): void {
  const { cfg, pool, factory } = real;
  const s = pool.status();
  const ctx = (): unknown => ({ status: s, cfg });
  check(s.idle + s.busy === s.workers, 'idle + busy = workers', ctx);
  check(s.busy <= cfg.size + cfg.maxOverflow, 'busy <= size + maxOverflow', ctx);
  check(s.waiting === 0 || s.idle === 0, 'a client waits while a worker is idle', ctx);

  const held = real.clients.flatMap((c) => (c.outcome.value?.held === true ? [c.outcome.value] : []));
  const leased = new Set(held.map((lease) => lease.workerId));
  check(leased.size === held.length, 'a worker is leased twice', () => held.map((l) => l.workerId));
  for (const lease of held) {
    const id = lease.workerId;
    check(factory.workers.get(id) === lease.worker, 'a lease holds a worker create never returned', () => id);
    check(!factory.destroyed.has(id), 'a held lease holds a destroyed worker', () => id);
  }

  const now = Date.now();
  for (const [i, client] of real.clients.entries()) {
    if (client.outcome.state !== 'pending') continue;
    const late = advanced ? client.deadline <= now : client.deadline < now;
    check(!late, `checkout #${i} still pending past its timeout`, () => ({ deadline: client.deadline, now }));
  }

  if (s.state === 'starting' || s.state === 'draining' || s.state === 'stopped' || s.state === 'failed') return;
  check(s.workers + s.starting === cfg.size + s.overflow, 'workers + starting = size + overflow', ctx);
  check(s.overflow <= cfg.maxOverflow, 'overflow <= maxOverflow', ctx);
  // Nothing left waiting once workers are free: a client no create will serve waits only for a checkin.
  check(s.waiting <= s.starting || s.overflow === cfg.maxOverflow, 'a client waits below maxOverflow that no create serves', ctx);
  check(s.busy === held.length, 'busy = leases held', () => ({ status: s, held: held.length }));
  if (s.starting === 0 && cfg.overflowTtl === 0) {
    // poolboy's model: with co workers checked out, idle = max(0, size - co), overflow = max(0, co - size).
    const co = held.length;
    const expected = { idle: Math.max(0, cfg.size - co), overflow: Math.max(0, co - cfg.size) };
    check(s.idle === expected.idle && s.overflow === expected.overflow, "poolboy's counts", () => ({ status: s, co, expected }));
    check(s.state === stateName(s.idle, s.overflow, cfg.maxOverflow), "poolboy's state_name", ctx);
  }
}

/** The engine agrees with the model: status, every client, every create and destroy, no stray timer. */
export function assertMatchesModel(model: PoolModel, real: PoolHarness): void {
  const { factory } = real;
  const s = real.pool.status();
  const expected: Partial<PoolStatus> = {
    state: model.state as PoolStatus['state'],
    workers: model.workers.size,
    idle: model.idle.length,
    busy: model.busy,
    waiting: model.waiting.length,
    restarts: model.restarts,
  };
  if (model.open) expected.overflow = model.overflow;
  expected.starting = model.coming;
  const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, s[k as keyof PoolStatus]]));
  check(JSON.stringify(actual) === JSON.stringify(expected), 'status() differs from the model', () => ({ actual, expected }));

  check(real.clients.length === model.clients.length, 'client count', () => [real.clients.length, model.clients.length]);
  for (const [i, mc] of model.clients.entries()) assertClient(i, mc, real.clients[i]!);

  // Every create call is one the rules asked for: no hot retry loop, no extra worker.
  const calls = factory.contexts.size;
  check(calls === model.nextId - 1, 'create calls differ from the model', () => ({ calls, expected: model.nextId - 1 }));
  const created = [...factory.workers.keys()].sort((a, b) => a - b);
  const expectedCreated = [...model.created].sort((a, b) => a - b);
  check(same(created, expectedCreated), 'created workers differ from the model', () => ({ created, expectedCreated }));
  const destroyed = [...factory.destroyed].map(([id, reasons]): [number, string] => [id, reasons.join('+')]).sort(byId);
  const expectedDestroyed = [...model.destroyed].sort(byId);
  check(same(destroyed, expectedDestroyed), 'destroyed workers [id, reason] differ from the model', () => ({
    destroyed,
    expectedDestroyed,
  }));
  for (const id of created) {
    const aborted = factory.contexts.get(id)!.signal.aborted;
    check(aborted === model.destroyed.has(id), `worker ${id}: ctx.signal.aborted should be ${!aborted}`, () => id);
  }

  const startState = model.startOutcome === 'pending' ? 'pending' : model.startOutcome === 'ok' ? 'fulfilled' : 'rejected';
  const started = real.started;
  check(started.state === startState, 'start() outcome', () => ({ real: started.state, model: model.startOutcome }));
  if (startState === 'rejected') check(codeOf(started.error) === model.startOutcome, 'start() error code', () => started.error);
  if (model.stop !== undefined) {
    const stopState = model.lifecycle === 'stopped' ? 'fulfilled' : 'pending';
    check(real.stopped?.state === stopState, 'stop() outcome', () => ({ real: real.stopped?.state, model: model.stop }));
  }

  const timers = jest.getTimerCount();
  const bound = model.timerBound;
  check(timers <= bound, 'more timers pending than waiters, leases, retries and stop need', () => ({ timers, bound }));
}

function assertClient(i: number, mc: ModelClient, rc: RealClient): void {
  const { outcome } = rc;
  const lease = outcome.value;
  const detail = (): unknown => ({
    model: mc,
    real: { state: outcome.state, code: codeOf(outcome.error), workerId: lease?.workerId, held: lease?.held },
  });
  switch (mc.status) {
    case 'waiting':
      check(outcome.state === 'pending', `checkout #${i} should still wait`, detail);
      return;
    case 'rejected': {
      const error = outcome.error;
      const ok = error instanceof PoolError && error.code === mc.code && error.pool === PoolHarness.NAME;
      check(outcome.state === 'rejected' && ok, `checkout #${i} should reject with ${mc.code}`, detail);
      return;
    }
    default:
      check(outcome.state === 'fulfilled' && lease !== undefined, `checkout #${i} should have a lease`, detail);
      check(lease!.workerId === mc.workerId && lease!.worker.id === mc.workerId, `checkout #${i} leased the wrong worker`, detail);
      check(lease!.held === (mc.status === 'held'), `checkout #${i}: lease.held should be ${mc.status === 'held'}`, detail);
      if (rc.watchSignal || mc.leaseSignal !== undefined) assertLeaseSignal(i, mc, rc);
  }
}

/** `lease.signal` aborted exactly when the model says, with the client's reason or the revoking error. */
export function assertLeaseSignal(i: number, mc: ModelClient, rc: RealClient): void {
  const signal = rc.outcome.value?.signal;
  if (signal === undefined) return;
  const expected = mc.leaseSignal;
  const detail = (): unknown => ({ model: mc, aborted: signal.aborted, reason: codeOf(signal.reason) ?? signal.reason });
  check(signal.aborted === (expected !== undefined), `checkout #${i}: lease.signal.aborted should be ${!signal.aborted}`, detail);
  if (expected === 'client') check(signal.reason === rc.reason, `checkout #${i}: lease.signal should carry the client's reason`, detail);
  else if (expected !== undefined) check(codeOf(signal.reason) === expected, `checkout #${i}: lease.signal reason should be ${expected}`, detail);
}

function codeOf(error: unknown): string | undefined {
  return error instanceof PoolError ? error.code : undefined;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function byId(a: readonly [number, unknown], b: readonly [number, unknown]): number {
  return a[0] - b[0];
}
