import { loadConnectorManifests } from '../../src/catalog/manifest.js';
import { builtinFlowTypes } from '../../src/catalog/flow-types.js';
import type { GatewayDriver, SimulatorClient } from '../../test/conformance/driver.js';
import { driver as connectpsp } from '../../test/conformance/drivers/connectpsp.js';
import { driver as cubepay } from '../../test/conformance/drivers/cubepay.js';
import { driver as paymaxis } from '../../test/conformance/drivers/paymaxis.js';
import { driver as sticpay } from '../../test/conformance/drivers/sticpay.js';
import type { EngineApi } from './engine-api.js';
import type { MerchantReceiver } from './receiver.js';
import type { SoakSimulators } from './simulators.js';

/**
 * The four built-in gateways, driven the way the conformance suite drives them (their simulators'
 * test data, hosted pages and back offices).
 */
export const gateways: readonly GatewayDriver[] = [connectpsp, cubepay, sticpay, paymaxis];

export type Action = 'DEPOSIT' | 'WITHDRAW' | 'REFUND';
export const actionIds: Readonly<Record<Action, string>> = builtinFlowTypes[0]!.actions;

export interface Tenant {
  index: number;
  environmentId: string;
  token: string;
  /** PSP id per gateway name. */
  psps: ReadonlyMap<string, string>;
  /** Each gateway's simulator, as its driver reaches it. */
  sims: ReadonlyMap<string, SimulatorClient>;
  /** Its webhook endpoints and the event types each takes (null: every type). */
  endpoints: readonly { id: string; events: readonly string[] | null }[];
}

/**
 * Three merchants, each a brand with one environment, set up through the admin API as an operator
 * would: the host map sends the gateways to the simulators, withdrawals below a per-currency limit
 * skip approval in two of them, and each has one or two webhook endpoints on the soak's receiver
 * (one taking every event, one filtered).
 */
const tenantPlans = [
  { limits: {}, endpoints: [{ events: null }, { events: ['transaction.succeeded', 'transaction.failed', 'transaction.rejected', 'transaction.abandoned'] }] },
  { limits: { BRL: '100.00', USD: '50.00', EUR: '50.00' }, endpoints: [{ events: null }] },
  { limits: { BRL: '1000.00', USD: '1000.00', EUR: '1000.00' }, endpoints: [{ events: null }, { events: ['transaction.succeeded', 'transaction.pg_succeeded'] }] },
] as const;

export async function setUpTenants(api: EngineApi, sims: SoakSimulators, receiver: MerchantReceiver): Promise<Tenant[]> {
  const manifests = new Map(loadConnectorManifests().map((manifest) => [manifest.id, manifest]));
  const tenants: Tenant[] = [];
  for (const [index, plan] of tenantPlans.entries()) {
    const brand = expectOk(await api.call('POST', '/admin/v1/brands', { admin: true, body: { name: `Soak merchant ${index + 1}` } }), 'brand');
    const environment = expectOk(
      await api.call('POST', `/admin/v1/brands/${brand.id}/environments`, {
        admin: true,
        body: { name: 'soak', withdrawalAutoApproveLimits: plan.limits },
      }),
      'environment',
    );
    expectOk(await api.call('PATCH', `/admin/v1/environments/${environment.id}`, { admin: true, body: { hostMap: sims.hostMap } }), 'host map');
    const endpoints: Tenant['endpoints'][number][] = [];
    for (const [n, endpoint] of plan.endpoints.entries()) {
      const name = `m${index + 1}-${n + 1}`;
      const created = expectOk(
        await api.call('POST', `/admin/v1/environments/${environment.id}/webhook-endpoints`, {
          admin: true,
          body: { url: receiver.urlFor(name), events: endpoint.events, description: `soak ${name}` },
        }),
        'webhook endpoint',
      );
      receiver.register(name, created.id as string, created.secret as string);
      endpoints.push({ id: created.id as string, events: endpoint.events });
    }
    const psps = new Map<string, string>();
    const simClients = new Map<string, SimulatorClient>();
    for (const gateway of gateways) {
      const sim = sims.client(gateway.name);
      simClients.set(gateway.name, sim);
      const manifest = manifests.get(gateway.targetId);
      if (manifest === undefined) throw new Error(`no connector manifest for ${gateway.name}`);
      const operations = gateway.actions.map((action) => ({
        flowActionId: actionIds[action],
        flowDefinitionId: manifest.actions[action]!.definitionId,
        status: 'ENABLED',
      }));
      const psp = expectOk(
        await api.call('POST', '/connxt/v2/psps/external', {
          token: environment.secretToken as string,
          body: { name: `${gateway.name} soak`, credential: JSON.stringify(await gateway.credential(sim)), flowTargetId: gateway.targetId, operations },
        }),
        `${gateway.name} PSP`,
      );
      psps.set(gateway.name, psp.id as string);
    }
    tenants.push({ index, environmentId: environment.id as string, token: environment.secretToken as string, psps, sims: simClients, endpoints });
  }
  return tenants;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function expectOk(answer: { status: number; body: { data?: any; message?: string } }, what: string): any {
  if (answer.status !== 200 && answer.status !== 201) throw new Error(`setting up the ${what} failed: HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 500)}`);
  return answer.body.data;
}
