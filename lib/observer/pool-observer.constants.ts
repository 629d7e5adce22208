export const DEFAULT_OBSERVER_PATH = 'pool-observer';
/** How often the stream sends what changed: often enough to watch, cheap under any load. */
export const UPDATE_INTERVAL_MS = 100;
/** Events per pool per update; a busy pool's checkouts beyond it are counted, not sent. */
export const MAX_EVENTS_PER_UPDATE = 100;
/** Dead workers a pool keeps showing. */
export const MAX_DEAD_WORKERS = 8;
