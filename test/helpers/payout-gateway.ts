import type { FastifyInstance } from 'fastify';
import type { FakePsp } from './fake-psp.js';
import { spec } from './spec-examples.js';
import { setUpGatewayWith, type GatewayAction } from './test-gateway.js';

/**
 * The test gateway (test-gateway.ts) with all three actions: its script does not care which
 * action runs it, so DEPOSIT, WITHDRAW and REFUND share it, each scenario answered by the FakePsp
 * (`testGatewayHandler`). For approval and refund suites.
 */
export interface PayoutGateway {
  targetId: string;
  pspId: string;
}

export async function setUpPayoutGateway(
  app: FastifyInstance,
  token: string,
  environmentId: string,
  psp: FakePsp,
  name = 'Payout Gateway',
): Promise<PayoutGateway> {
  const { targetId, pspId } = await setUpGatewayWith(app, token, environmentId, psp, name, ['DEPOSIT', 'WITHDRAW', 'REFUND']);
  return { targetId, pspId };
}

/** A POST /transactions body for this gateway; `scenario` picks what the FakePsp answers. */
export function payoutBody(
  gateway: PayoutGateway,
  action: GatewayAction,
  options: { scenario?: string; amount?: string; currency?: string; parentTxnId?: string; body?: Record<string, unknown> } = {},
) {
  return {
    flowActionId: spec.actions[action],
    flowTargetId: gateway.targetId,
    pspId: gateway.pspId,
    txnCurrency: options.currency ?? 'USD',
    txnAmount: options.amount ?? '100.00',
    ...(options.parentTxnId === undefined ? {} : { parentTxnId: options.parentTxnId }),
    executePayload: {
      body: {
        order: { id: `order-${Math.random().toString(36).slice(2)}` },
        customer: { id: 'cust_001' },
        scenario: options.scenario ?? 'success',
        ...options.body,
      },
    },
  };
}
