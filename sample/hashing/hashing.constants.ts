/** Hashes per `GET /hash/:input` when `rounds` is not given (a few ms of CPU). */
export const DEFAULT_ROUNDS = 10_000;
/** The most a request may ask for: seconds of CPU, long enough to hang up mid-hash. */
export const MAX_ROUNDS = 5_000_000;
