/**
 * Contenders by name, one registry per kind of scenario (a scenario's `kind`, `pool` unless set).
 *
 * `pool` (scenarios 1-4): each module exports `create({ size, timeout })`, resolving once `size`
 * instant resources are ready, to an adapter:
 *   client()         a token for one client, passed to every acquire of that client
 *   acquire(client)  a promise of a handle (rejects after `timeout` ms of waiting)
 *   release(handle)
 *   waiting()        clients queued right now
 *
 * `thread` (scenario 5): `create({ threads })` resolves, once it can take tasks, to
 *   run(method, arg) a promise of `method(arg)` from workers/tasks.mjs, run in a thread
 *   close()
 *
 * `http` (scenario 6): `create({ platform })` starts the bench app (app/) in a child process and
 * resolves to { url, close() }, `url` being the route this contender is measured on.
 */
export const registries = {
  pool: {
    ours: () => import('./ours.mjs'),
    'generic-pool': () => import('./generic-pool.mjs'),
    'generic-pool+timer': () => import('./generic-pool-timer.mjs'),
    tarn: () => import('./tarn.mjs'),
    floor: () => import('./floor.mjs'),
    'floor+timer': () => import('./floor-timer.mjs'),
  },
  thread: {
    ours: () => import('./ours-threads.mjs'),
    piscina: () => import('./piscina.mjs'),
    postMessage: () => import('./post-message.mjs'),
    'postMessage, 1 per thread': () => import('./post-message-exclusive.mjs'),
  },
  http: {
    ours: () => import('./http-pooled.mjs'),
    interceptor: () => import('./http-interceptor.mjs'),
    bare: () => import('./http-bare.mjs'),
  },
};

// BENCH_PROTO=<engine module>: a prototype of the engine runs next to ours, for same-run gains.
if (process.env.BENCH_PROTO) registries.pool.proto = () => import('./proto.mjs');
