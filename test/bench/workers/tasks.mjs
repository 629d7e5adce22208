/**
 * The tasks of scenario 5, one module for every contender: our pool and piscina call its
 * exports by name (`default` for `run(x)`), the postMessage floor imports them.
 */

/** The trivial task: the cost of a round trip and nothing else. */
export default function increment(x) {
  return x + 1;
}

/** The CPU task: FNV-1a over `rounds` bytes, pure JS. */
export function hash(rounds) {
  let h = 0x811c9dc5;
  for (let i = 0; i < rounds; i++) {
    h ^= i & 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

