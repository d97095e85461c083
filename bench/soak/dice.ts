import { seededRandom } from '../../simulators/kit/random.js';

/**
 * The soak's choices, drawn from a seeded generator: one Dice per purpose (each worker, the
 * receiver, the crash schedule), so that the choices of one do not depend on how the others'
 * timing interleaves with it.
 */
export class Dice {
  readonly #next: () => number;

  constructor(seed: number, stream: number) {
    // Streams of one seed start far apart: mixing the stream number through the generator once.
    this.#next = seededRandom((seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0);
  }

  /** In [0, 1). */
  next(): number {
    return this.#next();
  }

  chance(probability: number): boolean {
    return this.#next() < probability;
  }

  /** A whole number from low to high, both included. */
  int(low: number, high: number): number {
    return low + Math.floor(this.#next() * (high - low + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from nothing');
    return items[Math.floor(this.#next() * items.length)]!;
  }

  /** One of the keys, each as likely as its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.#next() * total;
    for (const [key, weight] of entries) {
      roll -= weight;
      if (roll < 0) return key;
    }
    return entries[entries.length - 1]![0];
  }
}
