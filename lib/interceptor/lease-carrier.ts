import type { ExecutionContext } from '@nestjs/common';
import type { Lease } from '../core/index.js';

/**
 * The lease of a call, keyed by an object that lives exactly as long as the call: the request
 * (http), the RPC context, the message (ws) or the GraphQL context. A WeakMap keeps the request
 * object untouched and forgets the lease with it.
 */
const leases = new WeakMap<object, Lease<unknown>>();

function carrierOf(context: ExecutionContext): object | undefined {
  let carrier: unknown;
  switch (context.getType<string>()) {
    case 'http':
      carrier = context.switchToHttp().getRequest();
      break;
    case 'rpc':
      carrier = context.switchToRpc().getContext() ?? context.switchToRpc().getData();
      break;
    case 'ws':
      // The client socket is shared by its messages; the message itself is per call.
      carrier = context.switchToWs().getData() ?? context.switchToWs().getClient();
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
