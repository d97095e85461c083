import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../errors.js';
import type { Db } from '../../store/db.js';
import { successEnvelope } from '../envelope.js';

export function healthRoutes(deps: { db: Db }): FastifyPluginAsync {
  return async (app) => {
    /** The process is up. */
    app.get('/health', async () => successEnvelope({ status: 'ok' }));

    /** The process can reach its store: load balancers send traffic only then. */
    app.get('/ready', async (request) => {
      try {
        await deps.db.query('SELECT 1');
      } catch (err) {
        request.log.warn({ err }, 'store not reachable');
        throw new AppError('unavailable', 'Store not reachable');
      }
      return successEnvelope({ status: 'ready' });
    });
  };
}
