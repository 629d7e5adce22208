import type { DestroyReason, WorkerContext, WorkerFactory } from 'nestjs-pool';
import type { CreateStep } from './model-config.js';

export interface TestWorker {
  readonly id: number;
}

interface Deferred {
  resolve(): void;
  reject(): void;
}

export interface FactoryPlan {
  stepFor(call: number): CreateStep;
  asyncDestroy(id: number): boolean;
}

/**
 * A factory the test drives: each `create` follows the plan (a worker at once, a throw, or a
 * promise that waits for `settleCreate`); every `destroy` is recorded and, for some workers,
 * returns a promise that waits for `settleDestroy`.
 */
export class ControlledFactory implements WorkerFactory<TestWorker> {
  readonly contexts = new Map<number, WorkerContext>();
  /** Every worker `create` handed to the pool, by id. */
  readonly workers = new Map<number, TestWorker>();
  readonly destroyed = new Map<number, DestroyReason[]>();
  readonly #creates = new Map<number, Deferred>();
  readonly #destroys = new Map<number, Deferred>();
  #calls = 0;

  constructor(private readonly plan: FactoryPlan) {}

  create(ctx: WorkerContext): TestWorker | Promise<TestWorker> {
    this.contexts.set(ctx.id, ctx);
    const step = this.plan.stepFor(this.#calls++);
    if (step === 'fail') throw new Error(`create ${ctx.id} failed`);
    const worker: TestWorker = { id: ctx.id };
    if (step === 'ok') {
      this.workers.set(ctx.id, worker);
      return worker;
    }
    return new Promise<TestWorker>((resolve, reject) => {
      this.#creates.set(ctx.id, {
        resolve: () => {
          this.workers.set(ctx.id, worker);
          resolve(worker);
        },
        reject: () => reject(new Error(`create ${ctx.id} failed late`)),
      });
    });
  }

  destroy(worker: TestWorker, reason: DestroyReason): void | Promise<void> {
    const reasons = this.destroyed.get(worker.id) ?? [];
    reasons.push(reason);
    this.destroyed.set(worker.id, reasons);
    if (!this.plan.asyncDestroy(worker.id)) return;
    return new Promise<void>((resolve, reject) => {
      this.#destroys.set(worker.id, { resolve, reject: () => reject(new Error(`destroy ${worker.id} failed`)) });
    });
  }

  /** Ends the pending create of worker `id`. */
  settleCreate(id: number, ok: boolean): void {
    settle(this.#creates, id, ok);
  }

  /** Ends the pending destroy of worker `id`. */
  settleDestroy(id: number, ok: boolean): void {
    settle(this.#destroys, id, ok);
  }
}

function settle(pending: Map<number, Deferred>, id: number, ok: boolean): void {
  const deferred = pending.get(id);
  if (deferred === undefined) throw new Error(`nothing pending for worker ${id}`);
  pending.delete(id);
  if (ok) deferred.resolve();
  else deferred.reject();
}
