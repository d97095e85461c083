import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../errors.js';
import type { Db } from '../../store/db.js';
import { successEnvelope } from '../envelope.js';
import { errorResponses, successResponse } from '../openapi/envelopes.js';

const statusData = (status: string) => ({ type: 'object', required: ['status'], properties: { status: { type: 'string', enum: [status] } } });

export function healthRoutes(deps: { db: Db }): FastifyPluginAsync {
  return async (app) => {
    /** The process is up. */
    app.get(
      '/health',
      { schema: { tags: ['Operations'], summary: 'The process is up', response: { 200: successResponse('Up.', statusData('ok')) } } },
      async () => successEnvelope({ status: 'ok' }),
    );

    /** The process can reach its store: load balancers send traffic only then. */
    const readySchema = {
      tags: ['Operations'],
      summary: 'The process can reach its store',
      description: 'Load balancers send traffic only while this answers 200.',
      response: { 200: successResponse('Ready.', statusData('ready')), ...errorResponses({ 503: 'The store is not reachable (1000).' }) },
    };
    app.get('/ready', { schema: readySchema }, async (request) => {
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
