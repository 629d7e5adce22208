export const USE_POOL_WORKER_METADATA = 'nestjs-pool:use-pool-worker';
