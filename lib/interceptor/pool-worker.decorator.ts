import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Lease } from '../core/index.js';
import { leaseOf } from './lease-carrier.js';

function requireLease(decorator: string, context: ExecutionContext): Lease<unknown> {
  const lease = leaseOf(context);
  if (lease === undefined) {
    const where = `${context.getClass().name}.${context.getHandler().name}`;
    throw new Error(`${decorator} on ${where} needs @UsePoolWorker(poolName) on that handler or its controller`);
  }
  return lease;
}

/** The worker `@UsePoolWorker` checked out for this call. */
export const PoolWorker = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  requireLease('@PoolWorker()', context).worker,
);

/** The `Lease`: pass `lease.signal` to the handler's own work so it stops when the client is gone. */
export const PoolLease = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  requireLease('@PoolLease()', context),
);
