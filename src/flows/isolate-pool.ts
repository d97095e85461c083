import ivm from 'isolated-vm';
import { collectHandlesBeforeExit } from './exit-collection.js';

export interface IsolatePoolOptions {
  /** Heap each run may use, in MB. */
  heapMb: number;
  /** Most isolates alive at once; runs beyond that wait for one to be free. */
  maxIsolates: number;
  /** Compiled once per isolate and run in every fresh context (the sandbox's globals and sdk). */
  preludeSource: string;
  /** V8 lost control of an isolate (see Sandbox); the process should stop serving and restart. */
  onCatastrophicError?: (message: string) => void;
  /**
   * An isolate idle this long is disposed (down to `keepIdle`), so that the memory a burst of
   * concurrent runs took goes back to the system once the burst is over. Default 20 s.
   */
  idleRetireMs?: number;
  /** Idle isolates always kept, so that a quiet engine still starts a run without a cold isolate. Default 2. */
  keepIdle?: number;
}

/** One V8 isolate, used by one run at a time so that the heap limit is that run's limit. */
export interface IsolateSlot {
  readonly isolate: ivm.Isolate;
  readonly prelude: ivm.Script;
  runs: number;
  /** When it last went back to the idle list (performance.now()). */
  idleSince?: number;
  /** A context made ready while the isolate was idle, for the next run only (see Sandbox). */
  spare?: unknown;
}

/**
 * Garbage from earlier contexts is only freed once the host drops its handles to them, which the
 * host's own GC does lazily; an isolate that has collected that much is swapped for a fresh one
 * rather than risk a run being killed for memory it never used.
 */
const recycleAfterRuns = 500;

/**
 * A pool of isolates. Runs spend most of their time awaiting the PSP, so the pool is sized by
 * concurrent runs, not cores. Creating an isolate costs ~1.5 ms, a context ~0.4 ms: isolates are
 * reused, contexts never are.
 */
export class IsolatePool {
  readonly #options: IsolatePoolOptions;
  readonly #idle: IsolateSlot[] = [];
  readonly #waiting: { resolve: (slot: IsolateSlot) => void; reject: (err: Error) => void }[] = [];
  #alive = 0;
  #closed = false;
  #sweeper: NodeJS.Timeout | undefined;

  constructor(options: IsolatePoolOptions) {
    this.#options = options;
    // Before the first isolate exists: it sets a V8 flag for a moment (see exit-collection.ts).
    collectHandlesBeforeExit();
  }

  get size(): { alive: number; idle: number; waiting: number } {
    return { alive: this.#alive, idle: this.#idle.length, waiting: this.#waiting.length };
  }

  async acquire(): Promise<IsolateSlot> {
    if (this.#closed) throw new Error('the sandbox is closed');
    const idle = this.#idle.pop();
    if (idle !== undefined) return idle;
    if (this.#alive < this.#options.maxIsolates) {
      this.#alive += 1;
      try {
        return await this.#create();
      } catch (err) {
        this.#alive -= 1;
        throw err;
      }
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /** Returns a healthy slot, or replaces it when it is dead, over its memory budget or old. */
  async release(slot: IsolateSlot, refresh?: (slot: IsolateSlot) => void): Promise<void> {
    slot.runs += 1;
    if (!slot.isolate.isDisposed && !this.#closed && !this.#wornOut(slot) && this.#refreshed(slot, refresh)) {
      this.#handOver(slot);
      return;
    }
    this.#discard(slot);
    if (this.#closed || this.#waiting.length === 0) return;
    this.#alive += 1;
    try {
      this.#handOver(await this.#create());
    } catch {
      this.#alive -= 1;
    }
  }

  /** Kills a slot whose run must stop now (wall time exceeded). Its runs reject; release() replaces it. */
  kill(slot: IsolateSlot): void {
    if (!slot.isolate.isDisposed) slot.isolate.dispose();
  }

  /** Runs in progress finish; runs still waiting for an isolate reject, as acquire() does from now on. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#sweeper);
    for (const slot of this.#idle.splice(0)) this.#discard(slot);
    for (const waiter of this.#waiting.splice(0)) waiter.reject(new Error('the sandbox is closed'));
  }

  #handOver(slot: IsolateSlot): void {
    const next = this.#waiting.shift();
    if (next !== undefined) next.resolve(slot);
    else if (this.#closed) this.#discard(slot);
    else {
      slot.idleSince = performance.now();
      this.#idle.push(slot);
      this.#sweeper ??= setInterval(() => this.#retireIdle(), Math.max(100, this.#idleRetireMs / 4)).unref();
    }
  }

  get #idleRetireMs(): number {
    return this.#options.idleRetireMs ?? 20_000;
  }

  /**
   * acquire() takes the most recently used isolate (the end of the list), so the start of the
   * list holds the ones idle longest: when load drops, those go first.
   */
  #retireIdle(): void {
    const cutoff = performance.now() - this.#idleRetireMs;
    const keep = this.#options.keepIdle ?? 2;
    while (this.#idle.length > keep && (this.#idle[0]!.idleSince ?? 0) <= cutoff) this.#discard(this.#idle.shift()!);
  }

  /** A slot that cannot even prepare its next context is of no use: the caller replaces it. */
  #refreshed(slot: IsolateSlot, refresh: ((slot: IsolateSlot) => void) | undefined): boolean {
    try {
      refresh?.(slot);
      return true;
    } catch {
      return false;
    }
  }

  /** Synchronous: the isolate is idle here, so there is no thread to wait for. */
  #wornOut(slot: IsolateSlot): boolean {
    if (slot.runs >= recycleAfterRuns) return true;
    const stats = slot.isolate.getHeapStatisticsSync();
    return stats.used_heap_size > (this.#options.heapMb * 1024 * 1024) / 2;
  }

  #discard(slot: IsolateSlot): void {
    this.#alive -= 1;
    if (!slot.isolate.isDisposed) slot.isolate.dispose();
  }

  async #create(): Promise<IsolateSlot> {
    // Half the run budget again as headroom: a run starts with up to heapMb/2 of garbage left by
    // earlier runs (see #wornOut), so every run still gets its full heapMb.
    const { onCatastrophicError } = this.#options;
    const isolate = new ivm.Isolate({
      memoryLimit: Math.ceil(this.#options.heapMb * 1.5),
      ...(onCatastrophicError ? { onCatastrophicError } : {}),
    });
    try {
      const prelude = await isolate.compileScript(this.#options.preludeSource, { filename: 'connxt:prelude' });
      return { isolate, prelude, runs: 0 };
    } catch (err) {
      isolate.dispose();
      throw err;
    }
  }
}
