import { jest } from '@jest/globals';
import type { DestroyReason, WorkerContext, WorkerFactory } from 'nestjs-pool';

export interface TestWorker {
  id: number;
  ctx: WorkerContext;
}

/**
 * A factory that records every create and destroy, lets a test kill a worker (`exit`), make
 * creates fail, or hold creates until the test resolves them.
 */
export class TestFactory implements WorkerFactory<TestWorker> {
  readonly created: TestWorker[] = [];
  readonly destroyed: { worker: TestWorker; reason: DestroyReason }[] = [];
  createCalls = 0;
  /** Creates that still fail; counts down. */
  failNext = 0;
  /** When set, creates wait for `releaseCreates()`. */
  holdCreates = false;
  valid: (worker: TestWorker) => boolean | Promise<boolean> = () => true;
  readonly #held: (() => void)[] = [];

  constructor(readonly options: { validate?: boolean } = {}) {
    if (!options.validate) this.validate = undefined;
  }

  async create(ctx: WorkerContext): Promise<TestWorker> {
    this.createCalls++;
    if (this.holdCreates) await new Promise<void>((resolve) => this.#held.push(resolve));
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error(`create ${this.createCalls} failed`);
    }
    const worker = { id: ctx.id, ctx };
    this.created.push(worker);
    return worker;
  }

  destroy(worker: TestWorker, reason: DestroyReason): void {
    this.destroyed.push({ worker, reason });
  }

  validate?: (worker: TestWorker) => boolean | Promise<boolean> = (worker) => this.valid(worker);

  releaseCreates(): void {
    this.holdCreates = false;
    for (const resolve of this.#held.splice(0)) resolve();
  }

  /** Ids of live workers: created and not destroyed. */
  live(): number[] {
    const gone = new Set(this.destroyed.map((d) => d.worker.id));
    return this.created.filter((w) => !gone.has(w.id)).map((w) => w.id);
  }

  /** True when every created worker was destroyed exactly once. */
  allDestroyedOnce(): boolean {
    const ids = this.destroyed.map((d) => d.worker.id).sort((a, b) => a - b);
    return ids.length === this.created.length && new Set(ids).size === ids.length;
  }
}

/** Lets pending promise callbacks run; tests fake timers but not setImmediate (see FAKE_TIMERS). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export const FAKE_TIMERS: Parameters<typeof jest.useFakeTimers>[0] = { doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] };
