import { Injectable } from '@nestjs/common';
import type { OnWorkerDestroy, OnWorkerInit } from 'nestjs-pool';
import { RateLimitedUpstream } from './rate-limited-upstream.js';

export interface Quote {
  symbol: string;
  price: number;
}

export interface RegionSales {
  region: string;
  sales: number;
}

/**
 * A pool worker: one open session with the upstream. Nest builds one instance per worker and
 * injects its constructor's dependencies; the pool lends it to one caller at a time, so the
 * app makes at most as many concurrent upstream calls as its pools have workers.
 */
@Injectable()
export class UpstreamClient implements OnWorkerInit, OnWorkerDestroy {
  #session = 0;

  constructor(private readonly upstream: RateLimitedUpstream) {}

  /** Runs before the pool lends this worker for the first time. */
  async onWorkerInit(): Promise<void> {
    this.#session = await this.upstream.openSession();
  }

  /** Runs once, when the pool dismisses the worker or shuts down. */
  onWorkerDestroy(): void {
    this.upstream.closeSession(this.#session);
  }

  getQuote(symbol: string, signal?: AbortSignal): Promise<Quote> {
    return this.upstream.call(this.#session, () => ({ symbol, price: randomAmount(10, 500) }), signal);
  }

  getSales(day: string, region: string, signal?: AbortSignal): Promise<RegionSales> {
    return this.upstream.call(this.#session, () => ({ region, sales: randomAmount(1_000, 50_000) }), signal);
  }
}

function randomAmount(min: number, max: number): number {
  return Math.round((min + Math.random() * (max - min)) * 100) / 100;
}
