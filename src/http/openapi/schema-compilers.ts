import type { FastifyInstance } from 'fastify';

const acceptEverything = () => true;
const serializeAsJson = (data: unknown) => JSON.stringify(data);

/**
 * Route schemas document the API (OpenAPI); they never run. Bodies are checked inside the services,
 * which answer the field-level 4001 envelope the conformance tests pin, and a response schema
 * compiled by fast-json-stringify would silently drop every field it does not list. So Fastify
 * validates nothing and serializes with JSON.stringify, as it does for routes without a schema.
 * Call on the root instance before any route is added (every app that mounts these routes).
 */
export function useSchemasForDocumentationOnly(app: FastifyInstance): void {
  app.setValidatorCompiler(() => acceptEverything);
  app.setSerializerCompiler(() => serializeAsJson);
}
