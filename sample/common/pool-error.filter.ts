import { type ArgumentsHost, Catch } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { PoolError, PoolUnavailableException } from 'nestjs-pool';

/**
 * For `pool.use()` outside `@UsePoolWorker`: a checkout that got no worker (timeout, full queue,
 * shutting down) is a 503 with `Retry-After`, as `@UsePoolWorker` answers, not a 500.
 */
@Catch(PoolError)
export class PoolErrorFilter extends BaseExceptionFilter {
  override catch(error: PoolError, host: ArgumentsHost): void {
    const unavailable = PoolUnavailableException.from(error);
    if (unavailable !== undefined && host.getType() === 'http') {
      this.httpAdapterHost?.httpAdapter.setHeader(host.switchToHttp().getResponse(), 'Retry-After', '1');
    }
    super.catch(unavailable ?? error, host);
  }
}
