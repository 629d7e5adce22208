import type { ExecutionContext } from '@nestjs/common';
import type { Lease } from '../core/index.js';

/**
 * The lease of a call, keyed by an object that lives exactly as long as the call: the request
 * (http), the RPC context, the message (ws) or the GraphQL context. A WeakMap keeps the request
 * object untouched and forgets the lease with it.
 */
const leases = new WeakMap<object, Lease<unknown>>();

/**
 * By argument index, as `switchToHttp().getRequest()` and the like read them: those allocate
 * three closures per call (Nest's ExecutionContextHost), and this runs twice per request.
 */
function carrierOf(context: ExecutionContext): object | undefined {
  let carrier: unknown;
  switch (context.getType<string>()) {
    case 'http': // (request, response, next)
      carrier = context.getArgByIndex(0);
      break;
    case 'rpc': // (data, context): the context, else the data
      carrier = context.getArgByIndex(1) ?? context.getArgByIndex(0);
      break;
    case 'ws': // (client, data): the client socket is shared by its messages; the message itself is per call
      carrier = context.getArgByIndex(1) ?? context.getArgByIndex(0);
      break;
    default: // graphql: (root, args, context, info)
      carrier = context.getArgByIndex(2) ?? context.getArgByIndex(0);
  }
  return typeof carrier === 'object' && carrier !== null ? carrier : undefined;
}

export function bindLease(context: ExecutionContext, lease: Lease<unknown>): void {
  const carrier = carrierOf(context);
  if (carrier !== undefined) leases.set(carrier, lease);
}

export function leaseOf(context: ExecutionContext): Lease<unknown> | undefined {
  const carrier = carrierOf(context);
  return carrier === undefined ? undefined : leases.get(carrier);
}
