import { Module } from '@nestjs/common';
import { AppConfigModule } from '../config/app-config.module.js';
import { RateLimitedUpstream } from './rate-limited-upstream.js';
import { UpstreamController } from './upstream.controller.js';

/** The upstream service. Pools of `UpstreamClient` import this module so their workers can inject it. */
@Module({
  imports: [AppConfigModule],
  providers: [RateLimitedUpstream],
  controllers: [UpstreamController],
  exports: [RateLimitedUpstream],
})
export class UpstreamModule {}
