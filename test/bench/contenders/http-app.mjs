import { fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { BUILD } from './build.mjs';

const MAIN = join(BUILD, 'test/bench/app/main.js');

/**
 * Forks the bench app (app/main.ts, as built by `npm run bench`) on `platform`, and resolves
 * once it listens to `{ url, cpuTime(), close() }`: `url` is `route` on it, `cpuTime()` the
 * app's CPU time so far in µs. BENCH_APP_FLAGS are its Node flags (e.g. `--cpu-prof` to profile
 * the app rather than autocannon).
 */
export async function startApp(platform, route) {
  const execArgv = (process.env.BENCH_APP_FLAGS ?? '').split(' ').filter(Boolean);
  const app = fork(MAIN, [platform], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = once(app, 'exit').then(([code]) => {
    throw new Error(`the bench app exited (code ${code}) before it listened`);
  });
  const [{ port }] = await Promise.race([once(app, 'message'), exited]);
  exited.catch(() => undefined);
  return {
    url: `http://127.0.0.1:${port}${route}`,
    cpuTime: async () => {
      const reply = once(app, 'message');
      app.send('cpu');
      const [{ cpu }] = await reply;
      return cpu.user + cpu.system;
    },
    close: async () => {
      if (app.exitCode !== null || app.signalCode !== null) return;
      const gone = once(app, 'exit');
      app.disconnect();
      await gone;
    },
  };
}
