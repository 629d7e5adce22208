import { Injectable } from '@nestjs/common';

/** Settings of the "hash" thread pool. */
@Injectable()
export class HashingConfig {
  /** Threads: CPU-bound work gains nothing from more threads than cores. */
  readonly threads: number = 2;
  /**
   * The module each thread runs: next to this file, in sample/ or, once built, in dist-sample/
   * (nest-cli copies `*.worker.mjs` there as an asset).
   */
  readonly workerFile: string | URL = new URL('./hash.worker.mjs', import.meta.url);
}
