import type { EngineUnderTest } from './engine-under-test.js';

/** Samples the engine's resident memory every 100 ms until stopped; answers the highest seen, in MiB. */
export function sampleMemory(engine: Pick<EngineUnderTest, 'rssMb'>): { stop(): number } {
  let peak = engine.rssMb();
  const timer = setInterval(() => {
    peak = Math.max(peak, engine.rssMb());
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, engine.rssMb());
    },
  };
}
