import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUILD } from './build.mjs';

const TASKS = new URL('../workers/tasks.mjs', import.meta.url);

/** Our ThreadPool as built by `npm run bench`: `threads` threads, no overflow, default options otherwise. */
export async function create({ threads }) {
  const { ThreadPool } = await import(pathToFileURL(join(BUILD, 'lib/workers/index.js')).href);
  const pool = new ThreadPool({ name: 'bench', size: threads, maxOverflow: 0, thread: { filename: TASKS } });
  await pool.start();
  return {
    run: (method, arg) => (method === 'default' ? pool.run(arg) : pool.run(arg, { method })),
    close: () => pool.stop(),
  };
}
