/**
 * The simulator's own clock: the host's `now` plus an offset that `POST /_sim/clock/advance`
 * moves forward, so tests can see tokens and charges expire without waiting an hour or a day.
 */
export class SimClock {
  readonly #base: () => number;
  #offsetMs = 0;

  constructor(base: () => number) {
    this.#base = base;
  }

  now(): number {
    return this.#base() + this.#offsetMs;
  }

  iso(): string {
    return new Date(this.now()).toISOString();
  }

  advance(seconds: number): void {
    this.#offsetMs += seconds * 1000;
  }
}
