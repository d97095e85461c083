import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * isolated-vm 5.0.4 (the last release for Node 20) puts a weak callback on the host-side object of
 * every handle it gives out: Reference, Context, Script, ExternalCopy. When Node tears its own
 * isolate down at a natural exit while V8 is part-way through incremental marking, the teardown
 * finishes that marking and runs those callbacks after isolated-vm's environment is already gone:
 * the process aborts (`IsolateEnvironment::GetCurrent(): Assertion environment != nullptr`, SIGABRT)
 * instead of exiting 0. It happened in roughly one of six test processes under load, after every
 * test had passed; `connxt flow-targets create` and `put-action` (which check scripts in the
 * sandbox, then exit naturally) were exposed the same way. The engine ends with process.exit(),
 * which skips that teardown.
 *
 * A full collection on 'exit', while that environment is still there, runs those callbacks in time
 * and leaves no marking for the teardown to finish. It costs one GC at exit.
 */
export function collectHandlesBeforeExit(): void {
  if (installed) return;
  installed = true;
  const collect = fullCollection();
  process.on('exit', () => collect());
}

let installed = false;

/**
 * `gc` exists only in contexts created while --expose-gc is set, so it is set for one new context
 * and cleared again at once: the flag is process-wide, and sandbox contexts must not get a `gc`.
 */
function fullCollection(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  v8.setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as () => void;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
}
