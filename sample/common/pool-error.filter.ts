import { type ArgumentsHost, Catch } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { PoolError, PoolUnavailableException } from 'nestjs-pool';

/** A checkout that got no worker (timeout, full queue, shutting down) is a 503, not a 500. */
@Catch(PoolError)
export class PoolErrorFilter extends BaseExceptionFilter {
  override catch(error: PoolError, host: ArgumentsHost): void {
    super.catch(PoolUnavailableException.from(error) ?? error, host);
  }
}
