/** What `GET /hash/:input` asks a thread for. */
export interface HashJob {
  input: string;
  rounds: number;
}

/**
 * The functions `hash.worker.mjs` offers, as its callers see them: the module is plain JS run by
 * the threads, so its types are written here (`ThreadWorker<HashWorker>`).
 */
export interface HashWorker {
  /** SHA-256 of the input, then of each digest: `rounds` hashes in all; hex. */
  default(job: HashJob): string;
  /** Kills its thread with an uncaught error. */
  crash(message: string): Promise<never>;
}
