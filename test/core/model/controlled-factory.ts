import type { DestroyReason, WorkerContext, WorkerFactory } from 'nestjs-pool';
import type { CreateStep } from './model-config.js';

export interface TestWorker {
  readonly id: number;
}

interface Deferred {
  resolve(): void;
  reject(): void;
}

/**
 * A factory the test drives: each `create` follows the plan (a worker at once, a throw, or a
 * promise that waits for `settle`), and every `destroy` call is recorded.
 */
export class ControlledFactory implements WorkerFactory<TestWorker> {
  readonly contexts = new Map<number, WorkerContext>();
  /** Every worker `create` handed to the pool, by id. */
  readonly workers = new Map<number, TestWorker>();
  readonly destroyed = new Map<number, DestroyReason[]>();
  readonly #deferred = new Map<number, Deferred>();
  #calls = 0;

  constructor(private readonly stepFor: (call: number) => CreateStep) {}

  create(ctx: WorkerContext): TestWorker | Promise<TestWorker> {
    this.contexts.set(ctx.id, ctx);
    const step = this.stepFor(this.#calls++);
    if (step === 'fail') throw new Error(`create ${ctx.id} failed`);
    const worker: TestWorker = { id: ctx.id };
    if (step === 'ok') {
      this.workers.set(ctx.id, worker);
      return worker;
    }
    return new Promise<TestWorker>((resolve, reject) => {
      this.#deferred.set(ctx.id, {
        resolve: () => {
          this.workers.set(ctx.id, worker);
          resolve(worker);
        },
        reject: () => reject(new Error(`create ${ctx.id} failed late`)),
      });
    });
  }

  destroy(worker: TestWorker, reason: DestroyReason): void {
    const reasons = this.destroyed.get(worker.id) ?? [];
    reasons.push(reason);
    this.destroyed.set(worker.id, reasons);
  }

  /** Ends the pending create of worker `id`. */
  settle(id: number, ok: boolean): void {
    const deferred = this.#deferred.get(id);
    if (deferred === undefined) throw new Error(`no pending create for worker ${id}`);
    this.#deferred.delete(id);
    if (ok) deferred.resolve();
    else deferred.reject();
  }
}
