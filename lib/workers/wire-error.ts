import type { WireError } from './worker-protocol.interface.js';

const BUILT_IN: Record<string, new (message: string) => Error> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/**
 * Rebuilds an error thrown in a worker: same class for built-in errors (else an `Error` with the
 * same `name`), same message, the worker's stack, own properties (`code`...) and cause.
 */
export function fromWireError(wire: WireError): unknown {
  if ('value' in wire) return wire.value;
  const error = new (BUILT_IN[wire.name] ?? Error)(wire.message);
  if (error.name !== wire.name) {
    Object.defineProperty(error, 'name', { value: wire.name, writable: true, configurable: true });
  }
  if (wire.stack !== undefined) error.stack = wire.stack;
  if (wire.props !== undefined) Object.assign(error, wire.props);
  if (wire.cause !== undefined) error.cause = fromWireError(wire.cause);
  return error;
}

/**
 * An error Node made in another realm (a thread's uncaught error, under a test runner's VM
 * context) rebuilt in this one, so `instanceof Error` and the pool's messages treat it as one.
 */
export function toLocalError(error: unknown): unknown {
  if (error instanceof Error || typeof error !== 'object' || error === null) return error;
  const { name, message, stack } = error as Partial<Record<'name' | 'message' | 'stack', unknown>>;
  if (typeof message !== 'string') return error;
  const props = Object.fromEntries(Object.entries(error));
  return fromWireError({ name: String(name ?? 'Error'), message, stack: typeof stack === 'string' ? stack : undefined, props });
}
