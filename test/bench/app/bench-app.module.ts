import { Module } from '@nestjs/common';
import { PoolModule } from 'nestjs-pool';
import { BENCH_POOL, BENCH_POOL_SIZE } from './bench.constants.js';
import { BenchController } from './bench.controller.js';

/** Instant resources: the bench measures what the pool and the interceptor add, not a worker. */
@Module({
  imports: [
    PoolModule.forRoot({
      pools: [{ name: BENCH_POOL, size: BENCH_POOL_SIZE, maxOverflow: 0, factory: { create: ({ id }) => ({ id }) } }],
    }),
  ],
  controllers: [BenchController],
})
export class BenchAppModule {}
