import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

const ECHO = new URL('../workers/echo.mjs', import.meta.url);

/**
 * The floor of scenario 5: raw `postMessage` round trips to `threads` threads, taken in turn,
 * with no queue, no lease and no error handling. Calls pipeline: a thread gets the next message
 * while it still works on the last, which no pool that leases a thread per call can do.
 */
export async function create({ threads }) {
  const pending = new Map();
  const workers = Array.from({ length: threads }, () =>
    new Worker(ECHO).on('message', ({ id, value }) => {
      const resolve = pending.get(id);
      pending.delete(id);
      resolve(value);
    }),
  );
  await Promise.all(workers.map((worker) => once(worker, 'online')));
  let next = 0;
  return {
    run: (method, arg) =>
      new Promise((resolve) => {
        const id = next++;
        pending.set(id, resolve);
        workers[id % threads].postMessage({ id, method, arg });
      }),
    close: () => Promise.all(workers.map((worker) => worker.terminate())),
  };
}
