/** Heap in use after full collections: needs `node --expose-gc`. */
export function settledHeap() {
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}
