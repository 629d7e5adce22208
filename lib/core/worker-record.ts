import type { Linked } from './linked-list.js';
import type { Lease } from './lease.js';

export type WorkerRecordState = 'starting' | 'idle' | 'busy' | 'dead';

/** The pool's bookkeeping for one worker; it links itself into the idle list. */
export class WorkerRecord<W> implements Linked<WorkerRecord<W>> {
  prev: WorkerRecord<W> | undefined = undefined;
  next: WorkerRecord<W> | undefined = undefined;
  worker!: W;
  state: WorkerRecordState = 'starting';
  lease: Lease<W> | undefined = undefined;
  /** Revokes the current lease after `leaseTimeout`; on the record, so a lease stays small. */
  leaseTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** When it last went idle; kept only when `overflowTtl` needs it. */
  returnedAt = 0;
  /** Set when the worker called `exit()` before `create` had resolved. */
  exitedEarly = false;
  exitReason: unknown = undefined;
  /** Aborts `WorkerContext.signal` when the pool destroys the worker. */
  readonly controller = new AbortController();

  constructor(readonly id: number) {}
}
