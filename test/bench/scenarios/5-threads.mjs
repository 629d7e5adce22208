const THREADS = 2;
/** FNV-1a rounds of the CPU task: about 1 ms of pure JS on our machines. */
const HASH_ROUNDS = 1_000_000;
const TASKS = {
  trivial: { label: 'trivial task (x + 1)', method: 'default', arg: 41, expected: 42 },
  cpu: { label: 'CPU task (~1 ms hash loop)', method: 'hash', arg: HASH_ROUNDS, expected: 3_533_651_717 },
};
const IN_FLIGHT = [1, 1000];

/**
 * Tasks through a pool of 2 threads, one at a time and 1000 at once: what a call costs on top of
 * the round trip, and how fast the queue feeds the threads. Two floors: raw postMessage round
 * trips (pipelined: a thread has many calls at once), and the same with one call per thread at
 * a time behind the pool floor, which is what a pool that lends a thread per call can reach.
 */
export const scenario = {
  title: `Thread pool, ${THREADS} threads`,
  kind: 'thread',
  variants: Object.entries(TASKS).flatMap(([task, { label }]) =>
    IN_FLIGHT.map((n) => ({ id: `${task}:${n}`, label: `${label}, ${n} in flight` })),
  ),
  contenders: ['ours', 'piscina', 'postMessage', 'postMessage, 1 per thread'],
  metrics: { tasksPerSec: { label: 'tasks/s', format: 'rate', better: 'higher' } },
  targets: (variant) => [{ metric: 'tasksPerSec', vs: 'piscina', min: inFlight(variant) === 1 ? 1 : 1.5 }],
  async run(create, variant) {
    const task = TASKS[variant.split(':')[0]];
    const pool = await create({ threads: THREADS });
    const result = await pool.run(task.method, task.arg);
    if (result !== task.expected) throw new Error(`${task.method}(${task.arg}) gave ${result}, not ${task.expected}`);
    await forAtLeast(pool, task, inFlight(variant), 300); // warm up: threads and JIT
    const { tasks, ms } = await forAtLeast(pool, task, inFlight(variant), 1000);
    await pool.close();
    return { tasksPerSec: (tasks / ms) * 1000 };
  },
};

function inFlight(variant) {
  return Number(variant.split(':')[1]);
}

/** `inFlight` callers, each running the task again as soon as it is done, for at least `ms`. */
async function forAtLeast(pool, { method, arg }, inFlight, ms) {
  const start = performance.now();
  const end = start + ms;
  let tasks = 0;
  const caller = async () => {
    while (performance.now() < end) {
      await pool.run(method, arg);
      tasks++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, caller));
  return { tasks, ms: performance.now() - start };
}
