export const BENCH_POOL = 'bench';
/** Workers in the bench pool: as many as autocannon's connections, so nobody queues. */
export const BENCH_POOL_SIZE = 10;
