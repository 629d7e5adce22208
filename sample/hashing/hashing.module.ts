import { Module } from '@nestjs/common';
import { PoolModule } from 'nestjs-pool';
import { HASH_POOL } from '../pools.constants.js';
import { HashingConfig } from './hashing-config.js';
import { HashingConfigModule } from './hashing-config.module.js';
import { HashingController } from './hashing.controller.js';

/**
 * CPU-bound work off the event loop: a pool of `worker_threads` running `hash.worker.mjs`. A
 * thread that dies (a crash, or a client that left mid-hash) is replaced at once; more than 3
 * replacements within 10 s is a crash loop, and the pool fails instead of restarting for ever:
 * `/health` goes down and `/hash` answers 503 until the app is restarted.
 */
@Module({
  imports: [
    PoolModule.forFeatureAsync([
      {
        name: HASH_POOL,
        imports: [HashingConfigModule],
        inject: [HashingConfig],
        useFactory: (config: HashingConfig) => ({
          thread: { filename: config.workerFile },
          size: config.threads,
          maxOverflow: 0, // no more threads than cores: requests queue instead
          restart: { maxRestarts: 3, withinMs: 10_000 },
        }),
      },
    ]),
  ],
  controllers: [HashingController],
})
export class HashingModule {}
