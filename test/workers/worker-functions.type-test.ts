/**
 * Type-level checks, run by `npm test`'s type-check (not by jest): calls on a pool or worker are
 * typed from the `defineWorker` definition, and untyped pools accept anything.
 */
import { ThreadPool, type ProcessWorker } from 'nestjs-pool';
import { defineWorker } from 'nestjs-pool/worker';

const definition = defineWorker({
  default: (width: number) => width * 2,
  greet: async (name: string, times: number) => name.repeat(times),
});
type Definition = typeof definition;

export async function typedCalls(pool: ThreadPool<Definition>, worker: ProcessWorker<Definition>): Promise<unknown[]> {
  const doubled: number = await pool.run(2);
  const greeting: string = await pool.call('greet', 'ada', 2); // async results arrive awaited
  const viaRun: string = await worker.run('ada', { method: 'greet', timeout: 100 });
  // @ts-expect-error greet takes a string first
  await pool.call('greet', 1, 2);
  // @ts-expect-error no such function
  await worker.call('nope');
  // @ts-expect-error the default function takes a number
  await pool.run('wide');
  return [doubled, greeting, viaRun];
}

export async function untypedCalls(pool: ThreadPool): Promise<string> {
  return pool.call('anything', 1, { deep: true });
}
