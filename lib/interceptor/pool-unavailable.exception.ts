import { HttpException, HttpStatus } from '@nestjs/common';
import type { PoolError } from '../core/index.js';

/** Why no worker was lent, as the 503 body names it. */
export type PoolUnavailableReason = 'timeout' | 'queue-full' | 'pool-failed' | 'shutting-down' | 'client-closed';

const REASONS: Partial<Record<PoolError['code'], PoolUnavailableReason>> = {
  POOL_TIMEOUT: 'timeout',
  POOL_FULL: 'queue-full',
  POOL_FAILED: 'pool-failed',
  POOL_STOPPED: 'shutting-down',
  POOL_ABORTED: 'client-closed',
};

/** Client Closed Request (nginx's 499): never seen by the client, it keeps the error log quiet. */
const CLIENT_CLOSED_REQUEST = 499;

/**
 * HTTP 503 for a checkout that got no worker, with a JSON body naming the pool and the reason.
 * The `cause` is the pool's own error.
 */
export class PoolUnavailableException extends HttpException {
  constructor(
    readonly pool: string,
    readonly reason: PoolUnavailableReason,
    cause: PoolError,
  ) {
    const status = reason === 'client-closed' ? CLIENT_CLOSED_REQUEST : HttpStatus.SERVICE_UNAVAILABLE;
    super({ statusCode: status, error: 'Service Unavailable', message: cause.message, pool, reason }, status, { cause });
  }

  /** The exception for a checkout error, or undefined when it is not about availability. */
  static from(error: unknown): PoolUnavailableException | undefined {
    const code = (error as PoolError | undefined)?.code;
    const reason = code === undefined ? undefined : REASONS[code];
    return reason === undefined ? undefined : new PoolUnavailableException((error as PoolError).pool, reason, error as PoolError);
  }
}
