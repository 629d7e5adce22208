import type { CanActivate, Type } from '@nestjs/common';

export interface PoolObserverOptions {
  /** Serves nothing unless true. Default false: turn it on where people may look at the pools. */
  enabled?: boolean;
  /** Route of the JSON status; the stream is `{path}/events` and the page `{path}/ui`. Default `pool-observer`. */
  path?: string;
  /** Guards for all three routes, as `@UseGuards()` takes them. A guard class is resolved in this module. */
  guards?: (CanActivate | Type<CanActivate>)[];
}
