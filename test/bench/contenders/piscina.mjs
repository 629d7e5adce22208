import { Piscina } from 'piscina';

const TASKS = new URL('../workers/tasks.mjs', import.meta.url).href;

/** piscina as most use it: its defaults, with the same fixed number of threads as ours. */
export async function create({ threads }) {
  const pool = new Piscina({ filename: TASKS, minThreads: threads, maxThreads: threads });
  return {
    run: (method, arg) => (method === 'default' ? pool.run(arg) : pool.run(arg, { name: method })),
    close: () => pool.destroy(),
  };
}
