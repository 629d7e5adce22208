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

const workerFactory = (_data: unknown, context: ExecutionContext): unknown => requireLease('@PoolWorker()', context).worker;
const leaseFactory = (_data: unknown, context: ExecutionContext): Lease<unknown> => requireLease('@PoolLease()', context);

/** @internal How the bootstrap check recognises these decorators in route argument metadata. */
export const POOL_PARAM_FACTORIES = new Map<Function, string>([
  [workerFactory, '@PoolWorker()'],
  [leaseFactory, '@PoolLease()'],
]);

/** The worker `@UsePoolWorker` checked out for this call. */
export const PoolWorker = createParamDecorator(workerFactory);

/** The `Lease`: pass `lease.signal` to the handler's own work so it stops when the client is gone. */
export const PoolLease = createParamDecorator(leaseFactory);
