import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

const ECHO = new URL('../workers/echo.mjs', import.meta.url);

/**
 * The floor of scenario 5: raw `postMessage` round trips to `threads` threads, taken in turn,
 * with no queue, no lease and no error handling. Calls pipeline: a thread gets the next message
 * while it still works on the last, which no pool that leases a thread per call can do.
 */
export async function create({ threads }) {
  const workers = await startEchoThreads(threads);
  let next = 0;
  return {
    run: (method, arg) => workers[next++ % threads].call(method, arg),
    close: () => Promise.all(workers.map((worker) => worker.close())),
  };
}

/** Threads running workers/echo.mjs, each with `call(method, arg)`; resolves once they are online. */
export async function startEchoThreads(threads) {
  return Promise.all(
    Array.from({ length: threads }, async () => {
      const pending = new Map();
      let lastId = 0;
      const thread = new Worker(ECHO).on('message', ({ id, value }) => {
        const resolve = pending.get(id);
        pending.delete(id);
        resolve(value);
      });
      await once(thread, 'online');
      return {
        call: (method, arg) =>
          new Promise((resolve) => {
            const id = ++lastId;
            pending.set(id, resolve);
            thread.postMessage({ id, method, arg });
          }),
        close: () => thread.terminate(),
      };
    }),
  );
}
