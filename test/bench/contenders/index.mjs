/**
 * Contenders by name. Each pool module exports `create({ size, timeout })`, resolving once `size`
 * instant resources are ready, to an adapter:
 *   client()         a token for one client, passed to every acquire of that client
 *   acquire(client)  a promise of a handle (rejects after `timeout` ms of waiting)
 *   release(handle)
 *   waiting()        clients queued right now
 * Scenarios 5 (threads) and 6 (HTTP) will register their own contenders (piscina, bare handler).
 */
export const contenders = {
  ours: () => import('./ours.mjs'),
  'generic-pool': () => import('./generic-pool.mjs'),
  'generic-pool+timer': () => import('./generic-pool-timer.mjs'),
  tarn: () => import('./tarn.mjs'),
  floor: () => import('./floor.mjs'),
  'floor+timer': () => import('./floor-timer.mjs'),
};

// BENCH_PROTO=<engine module>: a prototype of the engine runs next to ours, for same-run gains.
if (process.env.BENCH_PROTO) contenders.proto = () => import('./proto.mjs');
