import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';
import { BUILD } from './build.mjs';

/** The engine as built by `npm run bench`; BENCH_OURS=<module> measures another build. */
export const ENGINE = process.env.BENCH_OURS ? resolve(process.env.BENCH_OURS) : join(BUILD, 'lib/core/index.js');

const EVENTS = ['checkout', 'checkin', 'wait', 'timeout', 'abort', 'stateChange'];

/**
 * nestjs-pool with every feature on, as the issue asks: the checkout timeout, an AbortSignal
 * per client (like a request's), and a listener on every per-checkout event.
 */
export function create(options, engine = ENGINE) {
  return createPool(engine, options);
}

export async function createPool(engine, { size, timeout }) {
  const { Pool } = await import(pathToFileURL(engine).href);
  const pool = new Pool({
    name: 'bench',
    size,
    maxOverflow: 0,
    checkoutTimeout: timeout,
    factory: { create: (ctx) => ({ id: ctx.id }) },
  });
  let events = 0;
  const count = () => void events++;
  for (const event of EVENTS) pool.on(event, count);
  await pool.start();
  return {
    client: () => ({ signal: new AbortController().signal }),
    acquire: (client) => pool.checkout(client),
    release: (lease) => lease.release(),
    waiting: () => pool.status().waiting,
  };
}
