import { Controller, Get, Param } from '@nestjs/common';
import { InjectPool, type Pool } from 'nestjs-pool';
import { QUOTES_POOL } from '../pools.constants.js';
import type { Quote, UpstreamClient } from '../upstream/upstream-client.worker.js';

@Controller('quotes')
export class QuotesController {
  constructor(@InjectPool(QUOTES_POOL) private readonly clients: Pool<UpstreamClient>) {}

  /**
   * Borrows an upstream session for one call. When every session is busy the request waits
   * in the pool's queue (up to `checkoutTimeout`) instead of overloading the upstream.
   */
  @Get(':symbol')
  getQuote(@Param('symbol') symbol: string): Promise<Quote> {
    return this.clients.use((client, lease) => client.getQuote(symbol.toUpperCase(), lease.signal));
  }
}
