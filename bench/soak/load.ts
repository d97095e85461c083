import { sleep, type FlowContext } from './client-calls.js';
import { Dice } from './dice.js';
import type { EngineApi } from './engine-api.js';
import { runOneFlow } from './flows.js';
import type { Ledger } from './ledger.js';
import type { Tenant } from './tenants.js';

export interface LoadDeps {
  api: EngineApi;
  tenants: readonly Tenant[];
  ledger: Ledger;
  seed: number;
  workers: number;
}

/** Errors a flow did not expect (not a connection error, not a refusal): reported, and the flow moves on. */
export interface FlowErrors {
  count: number;
  examples: string[];
}

/**
 * Runs `workers` flows side by side until `durationMs` is over, each worker with its own dice
 * (stream = worker number). When the time is up no new flow starts; a flow in hand keeps retrying
 * for `graceMs` more, then gives up.
 */
export async function runLoad(deps: LoadDeps, durationMs: number, graceMs: number): Promise<FlowErrors> {
  const endsAt = Date.now() + durationMs;
  const errors: FlowErrors = { count: 0, examples: [] };
  const worker = async (index: number) => {
    let orders = 0;
    const ctx: FlowContext = {
      api: deps.api,
      tenants: deps.tenants,
      ledger: deps.ledger,
      dice: new Dice(deps.seed, index),
      nextOrderId: () => `soak-${deps.seed}-w${index}-${(orders += 1)}`,
      givingUp: () => Date.now() > endsAt + graceMs,
    };
    while (Date.now() < endsAt) {
      try {
        await runOneFlow(ctx);
      } catch (err) {
        errors.count += 1;
        if (errors.examples.length < 10) errors.examples.push(err instanceof Error ? (err.stack ?? err.message) : String(err));
      }
      await sleep(ctx.dice.int(0, 50));
    }
  };
  await Promise.all(Array.from({ length: deps.workers }, (_, index) => worker(index)));
  return errors;
}
