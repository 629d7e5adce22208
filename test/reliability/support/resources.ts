import { setTimeout as delay } from 'node:timers/promises';

/**
 * The process's active handles and requests by kind (`TCPWrap`, `Timeout`, `ProcessWrap`...), as
 * `process.getActiveResourcesInfo()` lists them: ref'd timers only, and no worker threads, which
 * callers check on their own.
 */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/**
 * Kinds there are more of than before, as `kind: before -> after`: what was left behind. Fewer is
 * fine (the test runner finished a read of its own meanwhile).
 */
export function leftBehind(before: Record<string, number>, after: Record<string, number>): string[] {
  return Object.keys(after)
    .filter((kind) => after[kind]! > (before[kind] ?? 0))
    .map((kind) => `${kind}: ${before[kind] ?? 0} -> ${after[kind]}`);
}

/** Resolves with true once `promise` settles, or with false after `ms`, leaving no timer behind. */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const limit = new AbortController();
  try {
    return await Promise.race([promise.then(() => true), delay(ms, false, { signal: limit.signal })]);
  } finally {
    limit.abort();
  }
}

/**
 * Resolves once `condition` holds, checking every 10 ms; after `limitMs` it resolves anyway (the
 * caller's assertions then say what did not settle). Sockets and exits settle a few turns of the
 * event loop after the call that ended them.
 */
export async function settle(condition: () => boolean, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition() && Date.now() < deadline) await delay(10);
}
