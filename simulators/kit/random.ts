/**
 * A seeded pseudo-random generator (mulberry32): the same seed gives the same sequence of numbers
 * in [0, 1), so a run that injects faults at random can be repeated. Fast and small; not for
 * anything secret.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A seed for when none is given: still printed by whoever uses it, so the run can be repeated. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}
