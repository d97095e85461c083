import { pollutionProbeNames } from './abuse-values.js';

/**
 * Watches the test process while hostile input goes through the engine in it: every unhandled
 * rejection and uncaught exception, and any change to the built-in prototypes (pollution).
 */
export class ProcessGuard {
  readonly crashes: string[] = [];
  readonly #snapshot = snapshotPrototypes();
  readonly #onRejection = (reason: unknown) => this.crashes.push(`unhandledRejection: ${describe(reason)}`);
  readonly #onException = (err: unknown) => this.crashes.push(`uncaughtException: ${describe(err)}`);

  constructor() {
    process.on('unhandledRejection', this.#onRejection);
    process.on('uncaughtException', this.#onException);
  }

  /** Every way the prototypes differ from when the guard started, and pollution probes found on fresh objects. */
  pollution(): string[] {
    const found: string[] = [];
    const now = snapshotPrototypes();
    for (const [name, before] of this.#snapshot) {
      const after = now.get(name)!;
      for (const key of new Set([...before.keys(), ...after.keys()])) {
        if (before.get(key) !== after.get(key)) found.push(`${name}.${String(key)} changed`);
      }
    }
    for (const probe of pollutionProbeNames) {
      if ((({}) as Record<string, unknown>)[probe] !== undefined) found.push(`({}).${probe} is defined`);
      if (([] as unknown as Record<string, unknown>)[probe] !== undefined) found.push(`[].${probe} is defined`);
    }
    return found;
  }

  stop(): void {
    process.off('unhandledRejection', this.#onRejection);
    process.off('uncaughtException', this.#onException);
  }
}

const watched: [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
  ['Number.prototype', Number.prototype],
  ['Promise.prototype', Promise.prototype],
  ['Object', Object],
  ['JSON', JSON],
];

/** Own property key → value (or getter) of each watched object. */
function snapshotPrototypes(): Map<string, Map<PropertyKey, unknown>> {
  return new Map(
    watched.map(([name, target]) => [
      name,
      new Map(Reflect.ownKeys(target).map((key) => {
        const descriptor = Object.getOwnPropertyDescriptor(target, key)!;
        return [key, 'value' in descriptor ? descriptor.value : descriptor.get];
      })),
    ]),
  );
}

function describe(value: unknown): string {
  return value instanceof Error ? `${value.name}: ${value.message}` : String(value);
}
