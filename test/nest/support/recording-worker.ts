import { Injectable, Module } from '@nestjs/common';
import type { DestroyReason, OnWorkerDestroy, OnWorkerInit, WorkerContext } from 'nestjs-pool';

/** A singleton the class workers inject: it records every worker's init and destroy. */
@Injectable()
export class WorkerJournal {
  readonly inits: WorkerContext[] = [];
  readonly destroys: { pool: string; id: number; reason: DestroyReason }[] = [];

  /** How many times each worker of `pool` was destroyed, by worker id. */
  destroyCounts(pool: string): Map<number, number> {
    const counts = new Map<number, number>();
    for (const destroy of this.destroys.filter((d) => d.pool === pool)) counts.set(destroy.id, (counts.get(destroy.id) ?? 0) + 1);
    return counts;
  }

  initIds(pool: string): number[] {
    return this.inits.filter((ctx) => ctx.pool === pool).map((ctx) => ctx.id);
  }
}

@Module({ providers: [WorkerJournal], exports: [WorkerJournal] })
export class JournalModule {}

/** A class worker with an injected dependency and both hooks. */
@Injectable()
export class RecordingWorker implements OnWorkerInit, OnWorkerDestroy {
  ctx!: WorkerContext;

  constructor(readonly journal: WorkerJournal) {}

  onWorkerInit(ctx: WorkerContext): void {
    this.ctx = ctx;
    this.journal.inits.push(ctx);
  }

  async onWorkerDestroy(reason: DestroyReason): Promise<void> {
    this.journal.destroys.push({ pool: this.ctx.pool, id: this.ctx.id, reason });
  }
}
