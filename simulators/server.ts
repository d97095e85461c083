// `npm run simulators`: every gateway simulator on its own port, without the engine.
import Fastify from 'fastify';
import { simulatorsPlugin, simulators } from './index.js';
import { defaultSimulatorOptions } from './kit/simulator.js';

const host = process.env.SIMULATORS_HOST ?? '127.0.0.1';
const port = Number(process.env.SIMULATORS_PORT ?? 8090);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  process.stderr.write(`simulators: SIMULATORS_PORT must be a port number, got "${process.env.SIMULATORS_PORT}"\n`);
  process.exit(1);
}
const publicUrl = (process.env.SIMULATORS_PUBLIC_URL ?? `http://${host}:${port}`).replace(/\/+$/, '');

const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'info' } });
await app.register(simulatorsPlugin(defaultSimulatorOptions(publicUrl)));
try {
  await app.listen({ host, port });
} catch (err) {
  process.stderr.write(`simulators: could not listen on ${host}:${port}: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
for (const definition of simulators) app.log.info(`${definition.name} simulator at ${publicUrl}/${definition.name}`);
const stop = () => {
  void app.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
