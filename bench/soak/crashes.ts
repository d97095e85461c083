import { sleep } from './client-calls.js';
import type { Dice } from './dice.js';
import type { EngineProcess } from './engine-process.js';

export interface KillRecord {
  /** Seconds into the load. */
  atSeconds: number;
  /** From the kill until the restarted engine answered /ready. */
  downMs: number;
}

/**
 * Kills the engine with SIGKILL `count` times at spread-out moments of the load (around 1/(n+1),
 * 2/(n+1), ... of it, give or take 15%) and starts it again at once on the same store and port.
 */
export async function killAndRestart(engine: EngineProcess, count: number, loadMs: number, dice: Dice, progress: (line: string) => void): Promise<KillRecord[]> {
  const started = Date.now();
  const kills: KillRecord[] = [];
  for (let i = 1; i <= count; i += 1) {
    const atMs = (loadMs * i * (0.85 + 0.3 * dice.next())) / (count + 1);
    await sleep(Math.max(0, started + atMs - Date.now()));
    const killedAt = Date.now();
    await engine.kill();
    progress(`kill -9 #${i} at ${((killedAt - started) / 1000).toFixed(0)} s; restarting on the same store`);
    await engine.start();
    kills.push({ atSeconds: Math.round((killedAt - started) / 1000), downMs: Date.now() - killedAt });
    progress(`engine back after ${Date.now() - killedAt} ms`);
  }
  return kills;
}
