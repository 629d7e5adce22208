import { setTimeout as delay } from 'node:timers/promises';
import { BadGatewayException, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

export interface UpstreamStats {
  /** Concurrent calls the upstream accepts. */
  limit: number;
  active: number;
  /** Most concurrent calls seen. */
  peak: number;
  calls: number;
  /** Calls refused for going over the limit. */
  rejected: number;
  openSessions: number;
}

/**
 * Simulates, in-process, a partner API that accepts `UPSTREAM_CONCURRENCY` calls at once and
 * refuses the rest (as a real one would answer 429). Clients open a session before calling.
 */
@Injectable()
export class RateLimitedUpstream {
  readonly #sessions = new Set<number>();
  #nextSession = 0;
  #active = 0;
  #peak = 0;
  #calls = 0;
  #rejected = 0;

  constructor(private readonly config: AppConfig) {}

  async openSession(): Promise<number> {
    await delay(this.config.upstreamLatencyMs);
    const session = ++this.#nextSession;
    this.#sessions.add(session);
    return session;
  }

  closeSession(session: number): void {
    this.#sessions.delete(session);
  }

  async call<T>(session: number, answer: () => T, signal?: AbortSignal): Promise<T> {
    if (!this.#sessions.has(session)) throw new BadGatewayException(`Upstream: session ${session} is not open`);
    if (this.#active >= this.config.upstreamConcurrency) {
      this.#rejected++;
      throw new BadGatewayException(`Upstream answered 429: more than ${this.config.upstreamConcurrency} concurrent calls`);
    }
    this.#active++;
    this.#calls++;
    this.#peak = Math.max(this.#peak, this.#active);
    try {
      await delay(this.config.upstreamLatencyMs, undefined, { signal });
      return answer();
    } finally {
      this.#active--;
    }
  }

  stats(): UpstreamStats {
    return {
      limit: this.config.upstreamConcurrency,
      active: this.#active,
      peak: this.#peak,
      calls: this.#calls,
      rejected: this.#rejected,
      openSessions: this.#sessions.size,
    };
  }
}
