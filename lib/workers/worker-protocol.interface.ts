/**
 * Messages between a pool and the bootstrap in its thread or process (see `worker-bootstrap.ts`).
 * Each carries `$pool`, so messages the worker module posts itself are told apart and ignored.
 */

/** An error as it crosses: Error subclasses are rebuilt by name, own properties kept when cloneable. */
export type WireError =
  | { name: string; message: string; stack: string | undefined; props?: Record<string, unknown>; cause?: WireError }
  /** Something thrown that is not an Error, passed on as is. */
  | { value: unknown };

export interface CallMessage {
  $pool: 'call';
  id: number;
  method: string;
  args: unknown[];
}

export type WorkerMessage =
  /** The module loaded; `methods` are the functions it offers. */
  | { $pool: 'ready'; methods: string[] }
  | { $pool: 'load-error'; error: WireError }
  | { $pool: 'result'; id: number; value: unknown }
  | { $pool: 'error'; id: number; error: WireError }
  /** A child process is about to die of an uncaught error (its exit code alone would not say which). */
  | { $pool: 'crash'; error: WireError };
