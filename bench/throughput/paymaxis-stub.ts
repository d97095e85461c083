import { startPortChild } from './child.js';

export interface PaymaxisStub {
  /** http://127.0.0.1:<port>, what the environment's host map sends https://app.paymaxis.com to. */
  base: string;
  /** Payments created since the last `forget`, with the webhook URL each was given. */
  payments(): Promise<{ id: string; referenceId: string; webhookUrl: string; amount: number; currency: string }[]>;
  forget(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPaymaxisStub(): Promise<PaymaxisStub> {
  const server = await startPortChild(['--import', 'tsx', new URL('./paymaxis-stub-server.ts', import.meta.url).pathname]);
  const base = `http://127.0.0.1:${server.port}`;
  return {
    base,
    payments: async () => (await fetch(`${base}/_bench/payments`)).json() as never,
    forget: async () => {
      await fetch(`${base}/_bench/payments`, { method: 'DELETE' });
    },
    stop: () => server.stop(),
  };
}
