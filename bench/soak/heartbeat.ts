/**
 * Keeps a long run talking: whenever nothing has been printed for `quietMs` (10 s), it prints what
 * is going on and since when, so that a slow phase (the engine starting on a big store, the
 * operator's decisions, the drain, the checks) never looks like a hang.
 */
export class Heartbeat {
  readonly #print: (line: string) => void;
  readonly #quietMs: number;
  readonly #now: () => number;
  #phase = 'starting';
  #phaseStartedAt: number;
  #lastLineAt: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(print: (line: string) => void, options: { quietMs?: number; now?: () => number } = {}) {
    this.#print = print;
    this.#quietMs = options.quietMs ?? 10_000;
    this.#now = options.now ?? Date.now;
    this.#phaseStartedAt = this.#lastLineAt = this.#now();
  }

  /** Prints a progress line; the quiet time starts again. */
  readonly say = (line: string): void => {
    this.#lastLineAt = this.#now();
    this.#print(line);
  };

  /** Names what the run does from now on, for the lines the heartbeat prints. */
  phase(name: string): void {
    this.#phase = name;
    this.#phaseStartedAt = this.#now();
  }

  start(): void {
    this.#timer ??= setInterval(() => this.#beat(), Math.max(10, Math.floor(this.#quietMs / 10)));
    // A heartbeat alone never keeps the process alive.
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #beat(): void {
    if (this.#now() - this.#lastLineAt < this.#quietMs) return;
    this.say(`still ${this.#phase} (${Math.round((this.#now() - this.#phaseStartedAt) / 1000)} s so far)`);
  }
}
