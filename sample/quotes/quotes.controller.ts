import { Controller, Get, Param } from '@nestjs/common';
import { PoolLease, PoolWorker, UsePoolWorker, type Lease } from 'nestjs-pool';
import { QUOTES_POOL } from '../pools.constants.js';
import type { Quote, UpstreamClient } from '../upstream/upstream-client.worker.js';

@Controller('quotes')
export class QuotesController {
  /**
   * `@UsePoolWorker` borrows an upstream session around the handler. When every session is busy
   * the request waits in the pool's queue (up to `checkoutTimeout`), and answers 503 with
   * `Retry-After` if none frees up in time. A client that hangs up while queued leaves the
   * queue; one that hangs up mid-call aborts `lease.signal`, which stops the upstream call.
   */
  @Get(':symbol')
  @UsePoolWorker(QUOTES_POOL)
  getQuote(
    @Param('symbol') symbol: string,
    @PoolWorker() client: UpstreamClient,
    @PoolLease() lease: Lease<UpstreamClient>,
  ): Promise<Quote> {
    return client.getQuote(symbol.toUpperCase(), lease.signal);
  }
}
