import type { FastifyPluginAsync } from 'fastify';
import { simulator as connectPsp } from './connectpsp/index.js';
import { simulator as cubePay } from './cubepay/index.js';
import type { SimulatorDefinition, SimulatorOptions } from './kit/simulator.js';
import { simulator as paymaxis } from './paymaxis/index.js';
import { simulator as sticpay } from './sticpay/index.js';

export type { SimulatorDefinition, SimulatorOptions } from './kit/simulator.js';

/** Every gateway simulator, each mounted under `/<name>`. */
export const simulators: readonly SimulatorDefinition[] = [connectPsp, cubePay, sticpay, paymaxis];

/**
 * All simulators as one Fastify plugin. `publicBaseUrl` is where the plugin itself is served
 * (e.g. `http://127.0.0.1:8080/simulators`); each simulator gets `<publicBaseUrl>/<name>`.
 */
export function simulatorsPlugin(options: SimulatorOptions): FastifyPluginAsync {
  const base = options.publicBaseUrl.replace(/\/+$/, '');
  return async (app) => {
    for (const definition of simulators) {
      await app.register(definition.create({ ...options, publicBaseUrl: `${base}/${definition.name}` }), { prefix: `/${definition.name}` });
    }
  };
}

/** The host map that sends each gateway's production origins to its simulator under `publicBaseUrl`. */
export function simulatorHostMap(publicBaseUrl: string): Record<string, string> {
  const base = publicBaseUrl.replace(/\/+$/, '');
  const map: Record<string, string> = {};
  for (const definition of simulators) {
    for (const origin of definition.origins) map[origin] = `${base}/${definition.name}`;
  }
  return map;
}
