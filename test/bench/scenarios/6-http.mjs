import autocannon from 'autocannon';

const CONNECTIONS = 10; // autocannon's default; the bench pool has as many workers
const WARMUP_S = 1;
const DURATION_S = 5;

/**
 * The same Nest handler with `@UsePoolWorker` (a worker checked out around it, the request
 * monitored as the pool's client), behind a pass-through interceptor (what any interceptor costs
 * in Nest), and bare; the app runs in its own process, autocannon here, on loopback.
 */
export const scenario = {
  title: `HTTP, a Nest handler, autocannon ${CONNECTIONS} connections x ${DURATION_S} s on loopback`,
  kind: 'http',
  runs: 3, // each run is seconds long: keeps the whole bench within minutes
  variants: [
    { id: 'express', label: 'Express' },
    { id: 'fastify', label: 'Fastify' },
  ],
  contenders: ['ours', 'interceptor', 'bare'],
  metrics: {
    requestsPerSec: { label: 'requests/s', format: 'rate', better: 'higher' },
    p99: { label: 'p99 latency', format: 'ms', better: 'lower' },
    // Steadier than requests/s on a shared machine: what a request costs the app, whatever the load.
    cpuPerRequest: { label: 'app CPU per request', format: 'us', better: 'lower' },
  },
  targets: [{ metric: 'requestsPerSec', vs: 'bare', min: 0.95 }],
  async run(create, platform) {
    const app = await create({ platform });
    try {
      await load(app.url, WARMUP_S); // warm up: JIT, connections
      const cpuBefore = await app.cpuTime();
      const latencies = [];
      const result = await load(app.url, DURATION_S, latencies);
      const cpu = (await app.cpuTime()) - cpuBefore;
      latencies.sort((a, b) => a - b);
      return {
        requestsPerSec: result.requests.total / result.duration,
        p99: latencies[Math.floor(latencies.length * 0.99)],
        cpuPerRequest: cpu / result.requests.total,
      };
    } finally {
      await app.close();
    }
  },
};

/** autocannon's own latency histogram counts whole ms; `latencies`, if given, gets each one exactly. */
async function load(url, duration, latencies) {
  const run = autocannon({ url, connections: CONNECTIONS, duration });
  if (latencies !== undefined) run.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  const result = await run;
  const failed = result.errors + result.timeouts + result.non2xx;
  if (failed > 0) throw new Error(`${failed} of ${result.requests.total} requests failed on ${url}`);
  return result;
}
