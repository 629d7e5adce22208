import { jest } from '@jest/globals';
import fc from 'fast-check';
import type { CheckoutOptions } from 'nestjs-pool';
import { CHECKOUT_TIMEOUTS, STOP_TIMEOUTS, TICK } from './model-config.js';
import { track, type PoolHarness } from './pool-harness.js';
import { assertInvariants, assertMatchesModel } from './pool-invariants.js';
import type { CheckoutSpec, PoolModel } from './pool-model.js';

type PoolCommand = fc.AsyncCommand<PoolModel, PoolHarness>;

/**
 * After every command: let promise callbacks run, then hold the engine to the invariants and the
 * model. A failure lists the commands run so far, with the clients and workers they picked.
 */
export async function settle(model: PoolModel, real: PoolHarness, step: string, advanced = false): Promise<void> {
  real.trace.push(`t=${model.now} ${step}`);
  await real.flush();
  try {
    assertInvariants(real, advanced);
    assertMatchesModel(model, real);
  } catch (error) {
    throw new Error(`${(error as Error).message}\nafter:\n  ${real.trace.join('\n  ')}`);
  }
}

/** Picks the k-th element, wrapping: commands are generated before the state they act on exists. */
function pick<T>(items: readonly T[], k: number): T {
  return items[k % items.length]!;
}

export class CheckoutCommand implements PoolCommand {
  constructor(
    readonly spec: CheckoutSpec,
    readonly watchSignal: boolean,
  ) {}
  check(): boolean {
    return true;
  }
  async run(model: PoolModel, real: PoolHarness): Promise<void> {
    const { spec } = this;
    const controller = spec.signal === 'none' ? undefined : new AbortController();
    const reason = { client: real.clients.length };
    if (spec.signal === 'aborted') controller!.abort(reason);
    const options: CheckoutOptions = { block: spec.block };
    if (spec.timeout !== undefined) options.timeout = spec.timeout;
    if (controller !== undefined) options.signal = controller.signal;
    const timeout = spec.timeout ?? real.cfg.checkoutTimeout;
    const outcome = track(real.pool.checkout(options));
    real.clients.push({ outcome, controller, reason, deadline: Date.now() + timeout, watchSignal: this.watchSignal });
    const client = model.checkout(spec);
    await settle(model, real, `#${client} = ${this}`);
  }
  toString(): string {
    const { block, timeout, signal } = this.spec;
    const shown = { block, timeout: timeout === Infinity ? 'Infinity' : timeout, signal, watchSignal: this.watchSignal };
    return `checkout(${JSON.stringify(shown)})`;
  }
}

export class ReleaseCommand implements PoolCommand {
  constructor(
    readonly k: number,
    readonly how: 'release' | 'dispose' | 'asyncDispose',
  ) {}
  check(model: Readonly<PoolModel>): boolean {
    return model.held.length > 0;
  }
  async run(model: PoolModel, real: PoolHarness): Promise<void> {
    const client = pick(model.held, this.k).id;
    const lease = real.clients[client]!.outcome.value!;
    if (this.how === 'release') lease.release();
    else if (this.how === 'dispose') lease[Symbol.dispose]();
    else await lease[Symbol.asyncDispose]();
    model.release(client);
    await settle(model, real, `#${client}: lease.${this.how}()`);
  }
  toString(): string {
    return `${this.how}(held[${this.k}])`;
  }
}

export class DestroyLeaseCommand implements PoolCommand {
  constructor(readonly k: number) {}
  check(model: Readonly<PoolModel>): boolean {
    return model.held.length > 0;
  }
  async run(model: PoolModel, real: PoolHarness): Promise<void> {
    const client = pick(model.held, this.k).id;
    real.clients[client]!.outcome.value!.destroy(new Error('broken'));
    model.destroyLease(client);
    await settle(model, real, `#${client}: lease.destroy()`);
  }
  toString(): string {
    return `destroy(held[${this.k}])`;
  }
}

/** A second release or destroy of a lease that already ended must change nothing. */
export class ReleaseEndedCommand implements PoolCommand {
  constructor(
    readonly k: number,
    readonly destroy: boolean,
  ) {}
  check(model: Readonly<PoolModel>): boolean {
    return model.clients.some((c) => c.status === 'ended');
  }
  async run(model: PoolModel, real: PoolHarness): Promise<void> {
    const client = pick(
      model.clients.filter((c) => c.status === 'ended'),
      this.k,
    ).id;
    const lease = real.clients[client]!.outcome.value!;
    if (this.destroy) lease.destroy();
    else lease.release();
    await settle(model, real, `#${client}: ended lease.${this.destroy ? 'destroy' : 'release'}() again`);
  }
  toString(): string {
    return `late${this.destroy ? 'Destroy' : 'Release'}(ended[${this.k}])`;
  }
}

/** `ctx.exit()`: a live worker (idle or busy), or any worker ever asked for (being created, failed, dead). */
export class ExitCommand implements PoolCommand {
  constructor(
    readonly k: number,
    readonly live: boolean,
  ) {}
  check(model: Readonly<PoolModel>): boolean {
    return this.live ? model.workers.size > 0 : model.nextId > 1;
  }
  async run(model: PoolModel, real: PoolHarness): Promise<void> {
    const worker = this.live ? pick([...model.workers.keys()], this.k) : 1 + (this.k % (model.nextId - 1));
    real.factory.contexts.get(worker)!.exit(new Error('crashed'));
    model.exit(worker);
    await settle(model, real, `worker ${worker}: ctx.exit()`);
  }
  toString(): string {
    return this.live ? `exit(live[${this.k}])` : `exit(any[${this.k}])`;
  }
}

export class AbortCommand implements PoolCommand {
  constructor(readonly k: number) {}
  check(model: Readonly<PoolModel>): boolean {
    return model.clients.some((c) => c.hasSignal && !c.signalAborted);
  }
  async run(model: PoolModel, real: PoolHarness): Promise<void> {
    const client = pick(
      model.clients.filter((c) => c.hasSignal && !c.signalAborted),
      this.k,
    ).id;
    const { controller, reason } = real.clients[client]!;
    controller!.abort(reason);
    model.abort(client);
    await settle(model, real, `#${client}: client aborts`);
  }
  toString(): string {
    return `abort(clients[${this.k}])`;
  }
}

export class SettleCreateCommand implements PoolCommand {
  constructor(
    readonly k: number,
    readonly ok: boolean,
  ) {}
  check(model: Readonly<PoolModel>): boolean {
    return model.creates.size > 0;
  }
  async run(model: PoolModel, real: PoolHarness): Promise<void> {
    const worker = pick(model.deferred, this.k);
    real.factory.settleCreate(worker, this.ok);
    model.settleCreate(worker, this.ok);
    await settle(model, real, `worker ${worker}: create ${this.ok ? 'resolves' : 'rejects'}`);
  }
  toString(): string {
    return `${this.ok ? 'resolve' : 'reject'}Create(pending[${this.k}])`;
  }
}

export class SettleDestroyCommand implements PoolCommand {
  constructor(
    readonly k: number,
    readonly ok: boolean,
  ) {}
  check(model: Readonly<PoolModel>): boolean {
    return model.destroying.size > 0;
  }
  async run(model: PoolModel, real: PoolHarness): Promise<void> {
    const worker = pick([...model.destroying], this.k);
    real.factory.settleDestroy(worker, this.ok);
    model.settleDestroy(worker);
    await settle(model, real, `worker ${worker}: destroy ${this.ok ? 'resolves' : 'rejects'}`);
  }
  toString(): string {
    return `${this.ok ? 'resolve' : 'reject'}Destroy(pending[${this.k}])`;
  }
}

export class AdvanceCommand implements PoolCommand {
  constructor(readonly ms: number) {}
  check(): boolean {
    return true;
  }
  async run(model: PoolModel, real: PoolHarness): Promise<void> {
    await jest.advanceTimersByTimeAsync(this.ms);
    model.advance(this.ms);
    await settle(model, real, `advance(${this.ms}) to t=${model.now}`, true);
  }
  toString(): string {
    return `advance(${this.ms})`;
  }
}

export class StopCommand implements PoolCommand {
  constructor(readonly timeout: number) {}
  check(model: Readonly<PoolModel>): boolean {
    return model.stop === undefined;
  }
  async run(model: PoolModel, real: PoolHarness): Promise<void> {
    real.stopped = track(real.pool.stop({ timeout: this.timeout }));
    model.stopPool(this.timeout);
    await settle(model, real, `stop({ timeout: ${this.timeout} })`);
  }
  toString(): string {
    return `stop(${this.timeout})`;
  }
}

const index = fc.nat({ max: 7 });
/** Three settles in four succeed. */
const succeeds = fc.nat({ max: 3 }).map((n) => n > 0);
const weighted = <T>(weight: number, arbitrary: fc.Arbitrary<T>): fc.WeightedArbitrary<T> => ({ arbitrary, weight });

const checkoutSpec: fc.Arbitrary<CheckoutSpec> = fc.record({
  block: fc.oneof(weighted(4, fc.constant(true)), weighted(1, fc.constant(false))),
  timeout: fc.oneof(weighted(2, fc.constant(undefined)), weighted(3, fc.constantFrom(...CHECKOUT_TIMEOUTS))),
  signal: fc.oneof(
    weighted(3, fc.constant('none' as const)),
    weighted(3, fc.constant('live' as const)),
    weighted(1, fc.constant('aborted' as const)),
  ),
});
const releaseHow = fc.constantFrom('release' as const, 'dispose' as const, 'asyncDispose' as const);

/** Every command, weighted towards checkouts, checkins and time; stop is rare so most runs reach a busy pool first. */
export const poolCommands: fc.Arbitrary<PoolCommand> = fc.oneof(
  weighted(24, fc.tuple(checkoutSpec, fc.boolean()).map(([spec, watch]) => new CheckoutCommand(spec, watch))),
  weighted(18, fc.tuple(index, releaseHow).map(([k, how]) => new ReleaseCommand(k, how))),
  weighted(3, index.map((k) => new DestroyLeaseCommand(k))),
  weighted(3, fc.tuple(index, fc.boolean()).map(([k, destroy]) => new ReleaseEndedCommand(k, destroy))),
  weighted(6, index.map((k) => new ExitCommand(k, true))),
  weighted(3, index.map((k) => new ExitCommand(k, false))),
  weighted(9, index.map((k) => new AbortCommand(k))),
  weighted(9, fc.tuple(index, succeeds).map(([k, ok]) => new SettleCreateCommand(k, ok))),
  weighted(3, fc.tuple(index, succeeds).map(([k, ok]) => new SettleDestroyCommand(k, ok))),
  weighted(15, fc.constantFrom(1, 2, 4, 6, 10, 16, 25, 50).map((n) => new AdvanceCommand(n * TICK))),
  weighted(1, fc.constantFrom(...STOP_TIMEOUTS).map((t) => new StopCommand(t))),
);
