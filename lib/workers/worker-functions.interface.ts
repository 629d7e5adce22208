/** A function a worker module exports; it receives and returns structured-clone data. */
export type WorkerFunction = (...args: any[]) => any;

/** What `defineWorker` takes: named functions, and `default` for `run()`. */
export interface WorkerFunctions {
  readonly [name: string]: WorkerFunction;
}

/** The names of `T`'s functions: `T` is a `defineWorker` object or a module (`typeof import('./x.js')`). */
export type WorkerMethod<T> = {
  [K in keyof T]: T[K] extends WorkerFunction ? K : never;
}[keyof T] &
  string;

/** The arguments of `T`'s function `K`. */
export type WorkerArgs<T, K> = K extends keyof T ? (T[K] extends (...args: infer A) => any ? A : never) : never;

/** What `T`'s function `K` resolves with, once it crossed back from the worker. */
export type WorkerResult<T, K> = K extends keyof T ? (T[K] extends (...args: any[]) => infer R ? Awaited<R> : never) : never;
