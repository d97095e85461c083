import type { FastifyInstance } from 'fastify';

/**
 * Parses application/x-www-form-urlencoded bodies (hosted-page forms, Sticpay's API) into a plain
 * object of strings; a repeated field keeps its last value. Registered per simulator scope.
 */
export function acceptFormBodies(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_request, body, done) => {
    const fields: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [key, value] of new URLSearchParams(body as string)) fields[key] = value;
    done(null, fields);
  });
}
