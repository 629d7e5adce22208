import { Controller, Get, UseInterceptors } from '@nestjs/common';
import { PoolWorker, UsePoolWorker } from 'nestjs-pool';
import { BENCH_POOL } from './bench.constants.js';
import { PassThroughInterceptor } from './pass-through.interceptor.js';

interface BenchWorker {
  id: number;
}

/** One handler three ways: bare, behind a no-op interceptor, and with a pool worker around it. */
@Controller()
export class BenchController {
  @Get('bare')
  bare(): object {
    return reply(0);
  }

  @Get('interceptor')
  @UseInterceptors(PassThroughInterceptor)
  intercepted(): object {
    return reply(0);
  }

  @Get('pooled')
  @UsePoolWorker(BENCH_POOL)
  pooled(@PoolWorker() worker: BenchWorker): object {
    return reply(worker.id);
  }
}

function reply(worker: number): object {
  return { hello: 'world', worker };
}
