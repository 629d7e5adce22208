export interface UsePoolWorkerOptions {
  /** Checkout wait in ms; defaults to the pool's `checkoutTimeout`. */
  timeout?: number;
  /** false: answer 503 at once instead of queueing when no worker is free. Default true. */
  block?: boolean;
  /** `Retry-After` seconds sent with a 503. Default 1. */
  retryAfter?: number;
}

/** What `@UsePoolWorker` stores on the handler or class. */
export interface UsePoolWorkerMetadata extends UsePoolWorkerOptions {
  name: string;
}
