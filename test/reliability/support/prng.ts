/**
 * A small seeded PRNG (mulberry32), so a chaos run's fault schedule can be replayed from its seed.
 * Timing on a loaded machine still varies between runs; the schedule (which request injects what,
 * when a client hangs up) does not.
 */
export class Prng {
  #state: number;

  constructor(readonly seed: number) {
    this.#state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** An independent stream for another part of the run, derived from this one's seed. */
  fork(salt: number): Prng {
    return new Prng(Math.imul(this.seed ^ salt, 0x9e3779b1) >>> 0);
  }
}

/** The seed from `name` in the environment (to replay a failure), else `fallback`. */
export function seedFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const seed = Number(raw);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`${name} must be an integer >= 0, got "${raw}"`);
  return seed;
}
