import { Pool, type WorkerContext } from 'nestjs-pool';

/**
 * A pool whose workers the test can crash and whose creates it can hold back. A crash carries a
 * message the observer must never show.
 */
export function testPool(name: string, size: number, maxOverflow = 0) {
  const contexts = new Map<number, WorkerContext>();
  let creates: Promise<void> | undefined;
  const pool = new Pool<number>({
    name,
    size,
    maxOverflow,
    restart: { maxRestarts: 10, withinMs: 60_000, backoff: 0 },
    factory: {
      create: async (ctx) => {
        if (creates !== undefined) await creates;
        contexts.set(ctx.id, ctx);
        return ctx.id;
      },
    },
  });
  return {
    pool,
    crash: (id: number) => contexts.get(id)!.exit(new Error('secret connection string in a message')),
    holdCreates(): () => void {
      let open!: () => void;
      creates = new Promise((resolve) => (open = resolve));
      return () => {
        creates = undefined;
        open();
      };
    },
  };
}
