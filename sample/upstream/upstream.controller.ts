import { Controller, Get } from '@nestjs/common';
import { RateLimitedUpstream, type UpstreamStats } from './rate-limited-upstream.js';

@Controller('upstream')
export class UpstreamController {
  constructor(private readonly upstream: RateLimitedUpstream) {}

  /** What the upstream saw: `peak` never exceeds `limit`, and `rejected` stays 0. */
  @Get()
  stats(): UpstreamStats {
    return this.upstream.stats();
  }
}
