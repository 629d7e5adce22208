import type { CreateStep, ModelConfig } from './model-config.js';

export type Lifecycle = 'starting' | 'running' | 'draining' | 'stopped' | 'failed';
export type DestroyReasonName = 'dismissed' | 'exited' | 'broken' | 'lease-timeout' | 'stopped';
export type RejectCode = 'POOL_FULL' | 'POOL_TIMEOUT' | 'POOL_ABORTED' | 'POOL_STOPPED' | 'POOL_FAILED';
export type RevokeCode = 'WORKER_EXIT' | 'LEASE_TIMEOUT' | 'POOL_STOPPED' | 'POOL_FAILED';

export interface CheckoutSpec {
  readonly block: boolean;
  /** undefined: the pool's `checkoutTimeout`. */
  readonly timeout: number | undefined;
  readonly signal: 'none' | 'live' | 'aborted';
}

export interface ModelClient {
  readonly id: number;
  readonly hasSignal: boolean;
  status: 'waiting' | 'held' | 'ended' | 'rejected';
  code?: RejectCode;
  workerId?: number;
  timeout: number;
  deadline: number;
  leaseDue: number;
  leaseSeq: number;
  end?: 'released' | 'destroyed' | 'revoked';
  /** Why `lease.signal` aborted: the client's own signal, or the code of the revoking error. */
  leaseSignal?: 'client' | RevokeCode;
  signalAborted: boolean;
}

export interface ModelWorker {
  readonly id: number;
  state: 'idle' | 'busy';
  holder: number | undefined;
  returnedAt: number;
}

interface ModelCreate {
  readonly id: number;
  readonly kind: 'start' | 'spawn';
  readonly step: CreateStep;
  exitedEarly: boolean;
}

interface Retry {
  readonly due: number;
  readonly seq: number;
}

interface StopState {
  phase: 'drain' | 'creates' | 'finishing' | 'destroys' | 'done';
  /** The async destroys stop() waits for: those pending when it got there. */
  destroys: Set<number>;
  due: number;
  readonly deadline: number;
}

/** A timed event; `cls` groups the timers whose relative order within one millisecond matters. */
interface TimedEvent {
  readonly due: number;
  readonly cls: 'waiter' | 'timer' | 'linger' | 'stop';
  readonly seq: number;
  readonly fire: () => void;
}

/** `stop()`'s default `destroyTimeout`. */
const DESTROY_TIMEOUT = 5000;

const OPEN: ReadonlySet<Lifecycle> = new Set(['starting', 'running']);

/**
 * The reference model: poolboy's rules (checkout, checkin, worker death, client death, cancel
 * waiting) over plain arrays, adapted as the issue specifies for asynchronous creates:
 * a client that finds no idle worker waits, and every new worker goes through the checkin rule.
 *
 * The model also plays the clock: `advance` fires timeouts, lease timeouts, create retries,
 * overflow lingering and the stop deadline in the order the engine's timers fire.
 */
export class PoolModel {
  now = 0;
  lifecycle: Lifecycle = 'starting';
  closedCode: RejectCode | undefined = undefined;
  /** Live workers in the order they joined, as the engine's `Set` keeps them. */
  readonly workers = new Map<number, ModelWorker>();
  /** Idle worker ids, least recently returned first. */
  idle: number[] = [];
  waiting: number[] = [];
  readonly clients: ModelClient[] = [];
  overflow = 0;
  /** Creates the rules started (not `start()`), in flight or waiting out a backoff. */
  slots = 0;
  restarts = 0;
  readonly #restartTimes: number[] = [];
  retries: Retry[] = [];
  /** Creates whose promise has not settled, by worker id. */
  readonly creates = new Map<number, ModelCreate>();
  readonly created = new Set<number>();
  readonly destroyed = new Map<number, DestroyReasonName>();
  /** Workers whose async `destroy` has not settled. */
  readonly destroying = new Set<number>();
  nextId = 1;
  #calls = 0;
  /** Creation order of lease and retry timers: fake timers break ties by it. */
  #seq = 0;
  readonly #microtasks: number[] = [];

  startPending = true;
  readonly #startIds: number[] = [];
  /** Creates of `start()` not settled yet. */
  #startSlots = 0;
  startOutcome: 'pending' | 'ok' | RejectCode = 'pending';
  stop: StopState | undefined = undefined;

  constructor(readonly cfg: ModelConfig) {
    for (let i = 0; i < cfg.size; i++) {
      const id = this.#issueCreate('start');
      this.#startIds.push(id);
    }
    this.#startSlots = cfg.size;
    this.#flush();
  }

  // --- derived state ------------------------------------------------------------------------

  get open(): boolean {
    return OPEN.has(this.lifecycle);
  }

  get busy(): number {
    return this.workers.size - this.idle.length;
  }

  /** Workers on their way (start creates, creates in flight, retries): they will serve waiters. */
  get coming(): number {
    return this.#startSlots + this.slots;
  }

  get held(): ModelClient[] {
    return this.clients.filter((c) => c.status === 'held');
  }

  get state(): string {
    if (this.lifecycle === 'starting') return 'starting';
    if (this.lifecycle !== 'running') return this.lifecycle;
    return stateName(this.idle.length, this.overflow, this.cfg.maxOverflow);
  }

  /** Creates waiting for a ResolveCreate command, oldest first. */
  get deferred(): number[] {
    return [...this.creates.keys()];
  }

  /** Upper bound on the timers the engine may hold now; 0 means none may be pending. */
  get timerBound(): number {
    const lanes = this.waiting.filter((cid) => this.clients[cid]!.deadline !== Infinity).length;
    const leases = this.held.filter((c) => c.leaseDue !== Infinity).length;
    const phase = this.stop?.phase;
    const stop = (phase === 'drain' || phase === 'creates' || phase === 'destroys') && this.stop!.due > this.now ? 1 : 0;
    const linger = this.cfg.overflowTtl > 0 && this.open ? 1 : 0;
    return lanes + leases + this.retries.length + stop + linger;
  }

  // --- commands -----------------------------------------------------------------------------

  checkout(spec: CheckoutSpec): number {
    const timeout = spec.timeout ?? this.cfg.checkoutTimeout;
    const client: ModelClient = {
      id: this.clients.length,
      hasSignal: spec.signal !== 'none',
      status: 'waiting',
      timeout,
      deadline: Infinity,
      leaseDue: Infinity,
      leaseSeq: -1,
      signalAborted: spec.signal === 'aborted',
    };
    this.clients.push(client);
    if (!this.open) {
      this.#reject(client, this.closedCode ?? 'POOL_STOPPED');
    } else if (spec.signal === 'aborted') {
      this.#reject(client, 'POOL_ABORTED');
    } else if (this.idle.length > 0) {
      const id = this.cfg.strategy === 'lifo' ? this.idle.pop()! : this.idle.shift()!;
      this.#grant(this.workers.get(id)!, client);
    } else {
      this.#enqueue(client, spec);
    }
    this.#flush();
    return client.id;
  }

  release(cid: number): void {
    const client = this.clients[cid]!;
    if (client.status !== 'held') return;
    client.status = 'ended';
    client.end = 'released';
    const worker = this.workers.get(client.workerId!)!;
    worker.holder = undefined;
    this.#offer(worker);
    this.#flush();
  }

  destroyLease(cid: number): void {
    const client = this.clients[cid]!;
    if (client.status !== 'held') return;
    client.status = 'ended';
    client.end = 'destroyed';
    const worker = this.workers.get(client.workerId!)!;
    worker.holder = undefined;
    this.#died(worker, 'broken');
    this.#flush();
  }

  /** `ctx.exit()` of worker `id`: a live one dies; one still being created is marked. */
  exit(id: number): void {
    const worker = this.workers.get(id);
    if (worker !== undefined) this.#died(worker, 'exited');
    else {
      const create = this.creates.get(id);
      if (create !== undefined) create.exitedEarly = true;
    }
    this.#flush();
  }

  abort(cid: number): void {
    const client = this.clients[cid]!;
    client.signalAborted = true;
    if (client.status === 'waiting') {
      this.waiting.splice(this.waiting.indexOf(cid), 1);
      this.#reject(client, 'POOL_ABORTED');
    } else if (client.status === 'held') {
      client.leaseSignal ??= 'client';
    }
    this.#flush();
  }

  settleCreate(id: number, ok: boolean): void {
    this.#settleCreate(id, ok);
    this.#flush();
  }

  stopPool(timeout: number): void {
    if (this.stop !== undefined) return;
    if (this.lifecycle !== 'failed') this.#close('draining');
    const deadline = this.now + timeout;
    this.stop = { phase: 'drain', due: this.now + timeout, deadline, destroys: new Set() };
    if (this.busy === 0) this.#afterDrain();
    this.#flush();
  }

  settleDestroy(id: number): void {
    if (!this.destroying.delete(id)) throw new Error(`model: no destroy pending for worker ${id}`);
    this.stop?.destroys.delete(id);
    this.#flush();
  }

  advance(ms: number): void {
    const target = this.now + ms;
    for (let event = this.#nextEvent(target); event !== undefined; event = this.#nextEvent(target)) {
      if (event.due < this.now) throw new Error(`model: event due at ${event.due} is in the past (now ${this.now})`);
      this.now = event.due;
      event.fire();
      this.#flush();
    }
    this.now = target;
  }

  // --- rules --------------------------------------------------------------------------------

  #enqueue(client: ModelClient, spec: CheckoutSpec): void {
    // Workers on their way beyond the clients already queued will serve this one.
    if (this.coming <= this.waiting.length) {
      if (this.overflow < this.cfg.maxOverflow) {
        this.overflow++;
        this.#spawn();
      } else if (!spec.block || this.waiting.length >= this.cfg.maxWaiting) {
        this.#reject(client, 'POOL_FULL');
        return;
      }
    }
    client.deadline = this.now + client.timeout;
    this.waiting.push(client.id);
  }

  #grant(worker: ModelWorker, client: ModelClient): void {
    worker.state = 'busy';
    worker.holder = client.id;
    client.status = 'held';
    client.workerId = worker.id;
    if (this.cfg.leaseTimeout !== Infinity) {
      client.leaseDue = this.now + this.cfg.leaseTimeout;
      client.leaseSeq = this.#seq++;
    }
  }

  /** The checkin rule, for returned and new workers alike: first waiter, else dismiss, else idle. */
  #offer(worker: ModelWorker): void {
    if (!this.open) {
      this.#destroy(worker, 'stopped');
      return;
    }
    const cid = this.waiting.shift();
    if (cid !== undefined) {
      this.#grant(worker, this.clients[cid]!);
    } else if (this.overflow > 0 && this.cfg.overflowTtl === 0) {
      this.overflow--;
      this.#destroy(worker, 'dismissed');
    } else {
      worker.state = 'idle';
      worker.returnedAt = this.now;
      this.idle.push(worker.id);
    }
  }

  /** A worker died: remove it; a waiter nobody on the way will serve gets a new one, else overflow shrinks, else replace. */
  #died(worker: ModelWorker, reason: 'exited' | 'broken' | 'lease-timeout'): void {
    const holder = worker.holder;
    worker.holder = undefined;
    this.#destroy(worker, reason);
    // A lease timeout is the holder's fault: replaced, but not a crash against the intensity.
    if (this.open && !this.#countRestart(reason !== 'lease-timeout')) {
      if (this.overflow > 0 && this.waiting.length <= this.coming) this.overflow--;
      else this.#spawn();
    }
    if (holder !== undefined) this.#revoke(this.clients[holder]!, reason === 'lease-timeout' ? 'LEASE_TIMEOUT' : 'WORKER_EXIT');
  }

  #countRestart(crash = true): boolean {
    this.restarts++;
    if (!crash) return false;
    const times = this.#restartTimes;
    times.push(this.now);
    while (times.length > 0 && times[0]! <= this.now - this.cfg.restartWithinMs) times.shift();
    if (times.length <= this.cfg.maxRestarts) return false;
    this.#fail();
    return true;
  }

  #fail(): void {
    this.#close('failed');
    for (const worker of [...this.workers.values()]) {
      const holder = worker.holder;
      if (holder === undefined) continue;
      worker.holder = undefined;
      this.#destroy(worker, 'stopped');
      this.#revoke(this.clients[holder]!, 'POOL_FAILED');
    }
  }

  #close(lifecycle: 'draining' | 'failed'): void {
    this.lifecycle = lifecycle;
    this.closedCode = lifecycle === 'failed' ? 'POOL_FAILED' : 'POOL_STOPPED';
    for (const cid of this.waiting) this.#reject(this.clients[cid]!, this.closedCode);
    this.waiting = [];
    this.slots -= this.retries.length;
    this.retries = [];
    while (this.idle.length > 0) this.#destroy(this.workers.get(this.idle[0]!)!, 'stopped');
  }

  #spawn(): void {
    this.slots++;
    this.#issueCreate('spawn');
  }

  #issueCreate(kind: 'start' | 'spawn'): number {
    const id = this.nextId++;
    const step = this.cfg.stepFor(this.#calls++);
    this.creates.set(id, { id, kind, step, exitedEarly: false });
    if (step !== 'defer') this.#microtasks.push(id);
    return id;
  }

  #settleCreate(id: number, ok: boolean): void {
    const create = this.creates.get(id);
    if (create === undefined) throw new Error(`model: create ${id} is not pending`);
    this.creates.delete(id);
    if (ok) {
      this.created.add(id);
      const worker: ModelWorker = { id, state: 'busy', holder: undefined, returnedAt: 0 };
      this.workers.set(id, worker);
      if (create.exitedEarly) {
        this.#destroy(worker, 'exited'); // then it counts as a failed create, below
      } else {
        if (create.kind === 'start') this.#startSlots--;
        else this.slots--;
        this.#offer(worker);
        return;
      }
    }
    if (create.kind === 'start') {
      // The first failed start create fails the pool.
      this.#startSlots--;
      if (this.lifecycle === 'starting') this.#fail();
      return;
    }
    // A failed create: retried after the backoff, unless the pool closed or just failed because of it.
    if (!this.open || this.#countRestart()) {
      this.slots--;
      return;
    }
    this.retries.push({ due: this.now + this.cfg.backoff, seq: this.#seq++ });
  }

  #retry(retry: Retry): void {
    this.retries.splice(this.retries.indexOf(retry), 1);
    // Not needed any more: more workers on their way than clients waiting, and overflow to give back.
    if (this.overflow > 0 && this.waiting.length < this.coming) {
      this.slots--;
      this.overflow--;
    } else {
      this.#issueCreate('spawn');
    }
  }

  #completeStart(): void {
    this.startPending = false;
    if (this.lifecycle !== 'starting') {
      this.startOutcome = this.closedCode!;
      return;
    }
    this.lifecycle = 'running';
    this.startOutcome = 'ok';
  }

  #afterDrain(): void {
    const stop = this.stop!;
    for (const worker of [...this.workers.values()]) {
      if (worker.holder !== undefined) this.#revoke(this.clients[worker.holder]!, 'POOL_STOPPED');
      worker.holder = undefined;
      this.#destroy(worker, 'stopped');
    }
    if (this.creates.size > 0 && stop.deadline - this.now > 0) {
      stop.phase = 'creates';
      stop.due = stop.deadline;
    } else {
      stop.phase = 'finishing';
    }
  }

  #destroy(worker: ModelWorker, reason: DestroyReasonName): void {
    if (!this.workers.delete(worker.id)) throw new Error(`model: worker ${worker.id} destroyed twice`);
    const i = this.idle.indexOf(worker.id);
    if (i >= 0) this.idle.splice(i, 1);
    this.destroyed.set(worker.id, reason);
    if (this.cfg.asyncDestroy(worker.id)) this.destroying.add(worker.id);
  }

  #reject(client: ModelClient, code: RejectCode): void {
    client.status = 'rejected';
    client.code = code;
  }

  #revoke(client: ModelClient, code: RevokeCode): void {
    if (client.status !== 'held') return;
    client.status = 'ended';
    client.end = 'revoked';
    client.leaseSignal ??= code;
  }

  /** What runs in the same turn after a command or a timer: creates that settle at once, start and stop continuations. */
  #flush(): void {
    for (;;) {
      const id = this.#microtasks.shift();
      if (id !== undefined) {
        this.#settleCreate(id, this.creates.get(id)!.step === 'ok');
        continue;
      }
      if (this.startPending && this.#startIds.every((sid) => !this.creates.has(sid))) {
        this.#completeStart();
        continue;
      }
      const stop = this.stop;
      if (stop?.phase === 'drain' && (this.busy === 0 || stop.due <= this.now)) {
        this.#afterDrain();
        continue;
      }
      if (stop?.phase === 'creates' && (this.creates.size === 0 || stop.due <= this.now)) {
        stop.phase = 'finishing';
        continue;
      }
      if (stop?.phase === 'finishing') {
        stop.phase = 'destroys';
        stop.destroys = new Set(this.destroying);
        stop.due = this.now + DESTROY_TIMEOUT;
        continue;
      }
      if (stop?.phase === 'destroys' && (stop.destroys.size === 0 || stop.due <= this.now)) {
        stop.phase = 'done';
        this.lifecycle = 'stopped';
        continue;
      }
      return;
    }
  }

  // --- time ---------------------------------------------------------------------------------

  #nextEvent(limit: number): TimedEvent | undefined {
    const events: TimedEvent[] = [];
    for (const cid of this.waiting) {
      const client = this.clients[cid]!;
      events.push({ due: client.deadline, cls: 'waiter', seq: 0, fire: () => this.#expire(client) });
    }
    for (const client of this.held) {
      events.push({ due: client.leaseDue, cls: 'timer', seq: client.leaseSeq, fire: () => this.#leaseTimeout(client) });
    }
    for (const retry of this.retries) {
      events.push({ due: retry.due, cls: 'timer', seq: retry.seq, fire: () => this.#retry(retry) });
    }
    if (this.cfg.overflowTtl > 0 && this.lifecycle === 'running' && this.overflow > 0 && this.idle.length > 0) {
      const due = this.workers.get(this.idle[0]!)!.returnedAt + this.cfg.overflowTtl;
      events.push({ due, cls: 'linger', seq: 0, fire: () => this.#linger() });
    }
    const stop = this.stop;
    if (stop !== undefined && (stop.phase === 'drain' || stop.phase === 'creates' || stop.phase === 'destroys')) {
      events.push({ due: stop.due, cls: 'stop', seq: 0, fire: () => undefined });
    }
    let next: TimedEvent | undefined;
    for (const event of events) {
      if (event.due > limit) continue;
      if (next === undefined || event.due < next.due || (event.due === next.due && event.seq < next.seq)) next = event;
    }
    if (next !== undefined) {
      const clash = events.find((e) => e.due === next.due && e.cls !== next.cls);
      // The configuration keeps such timers in different residues mod 4; a clash means it does not.
      if (clash !== undefined) throw new Error(`model: ${next.cls} and ${clash.cls} timers both due at ${next.due}`);
    }
    return next;
  }

  #expire(client: ModelClient): void {
    if (client.status !== 'waiting') return;
    this.waiting.splice(this.waiting.indexOf(client.id), 1);
    this.#reject(client, 'POOL_TIMEOUT');
  }

  #leaseTimeout(client: ModelClient): void {
    this.#died(this.workers.get(client.workerId!)!, 'lease-timeout');
  }

  /** `overflowTtl`: while overflow remains, idle workers idle for `overflowTtl` go, oldest first. */
  #linger(): void {
    while (this.overflow > 0 && this.idle.length > 0) {
      const oldest = this.workers.get(this.idle[0]!)!;
      if (oldest.returnedAt + this.cfg.overflowTtl > this.now) break;
      this.overflow--;
      this.#destroy(oldest, 'dismissed');
    }
  }
}

/** poolboy's `state_name/1`. */
export function stateName(idle: number, overflow: number, maxOverflow: number): 'ready' | 'overflow' | 'full' {
  if (overflow === 0) {
    if (idle > 0) return 'ready';
    return maxOverflow < 1 ? 'full' : 'overflow';
  }
  return overflow >= maxOverflow ? 'full' : 'overflow';
}
