import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { adminToken } from './engine.js';
import type { FakePsp } from './fake-psp.js';
import { spec } from './spec-examples.js';
import { testCredential, testGatewayScript } from './test-gateway.js';

/**
 * The test gateway (test-gateway.ts) with all three actions: its script does not care which
 * action runs it, so DEPOSIT, WITHDRAW and REFUND share it, each scenario answered by the FakePsp
 * (`testGatewayHandler`). For approval and refund suites.
 */
export interface PayoutGateway {
  targetId: string;
  pspId: string;
}

export type GatewayAction = 'DEPOSIT' | 'WITHDRAW' | 'REFUND';

export async function setUpPayoutGateway(
  app: FastifyInstance,
  token: string,
  environmentId: string,
  psp: FakePsp,
  name = 'Payout Gateway',
): Promise<PayoutGateway> {
  const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const action = (description: string) => ({
    script: testGatewayScript,
    description,
    inputSchema: { type: 'object', required: ['customer'], properties: { customer: { type: 'object', required: ['id'] } } },
  });
  const created = await app.inject({
    method: 'POST',
    url: '/admin/v1/flow-targets',
    headers: admin,
    payload: JSON.stringify({
      name,
      credentialSchema: { type: 'object', required: ['apiKey'], properties: { apiKey: { type: 'string' } }, additionalProperties: false },
      allowedHosts: ['psp.test'],
      actions: { DEPOSIT: action('TEST-DEPOSIT'), WITHDRAW: action('TEST-WITHDRAW'), REFUND: action('TEST-REFUND') },
    }),
  });
  assert.equal(created.statusCode, 201, created.body);
  const target = created.json().data as { id: string; actions: { id: string; name: string; definition: { id: string } }[] };
  const mapped = await app.inject({
    method: 'PATCH',
    url: `/admin/v1/environments/${environmentId}`,
    headers: admin,
    payload: JSON.stringify({ hostMap: { 'https://psp.test': psp.origin } }),
  });
  assert.equal(mapped.statusCode, 200, mapped.body);
  const pspRes = await app.inject({
    method: 'POST',
    url: '/connxt/v2/psps/external',
    headers: { 'x-secret-token': token, 'content-type': 'application/json' },
    payload: JSON.stringify({
      name: `${name} PSP`,
      credential: JSON.stringify(testCredential),
      flowTargetId: target.id,
      operations: target.actions.map((a) => ({ flowActionId: a.id, flowDefinitionId: a.definition.id, status: 'ENABLED' })),
    }),
  });
  assert.equal(pspRes.statusCode, 200, pspRes.body);
  return { targetId: target.id, pspId: pspRes.json().data.id };
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
