import type { FastifyPluginAsync } from 'fastify';
import { checkCreateBrand, checkCreateEnvironment } from '../../../tenants/tenant-input.js';
import type { NewEnvironment, TenantService } from '../../../tenants/tenant-service.js';
import { successEnvelope } from '../../envelope.js';
import { validatedBody } from '../../validated-body.js';

const created = { status: 201, message: 'Resource created successfully' } as const;

export function adminBrandRoutes(deps: { tenants: TenantService }): FastifyPluginAsync {
  return async (app) => {
    app.post('/brands', async (request, reply) => {
      const { name } = validatedBody<{ name: string }>(request, checkCreateBrand);
      void reply.code(201);
      return successEnvelope(await deps.tenants.createBrand(name.trim()), created);
    });

    app.get('/brands', async () => successEnvelope(await deps.tenants.listBrands()));

    app.get('/brands/:brandId', async (request) => {
      const { brandId } = request.params as { brandId: string };
      return successEnvelope(await deps.tenants.getBrand(brandId));
    });

    /** The response is the only place the environment's first secret token is ever shown. */
    app.post('/brands/:brandId/environments', async (request, reply) => {
      const { brandId } = request.params as { brandId: string };
      const input = validatedBody<NewEnvironment>(request, checkCreateEnvironment);
      void reply.code(201);
      return successEnvelope(await deps.tenants.createEnvironment(brandId, { ...input, name: input.name.trim() }), created);
    });

    app.get('/brands/:brandId/environments', async (request) => {
      const { brandId } = request.params as { brandId: string };
      return successEnvelope(await deps.tenants.listEnvironments(brandId));
    });
  };
}
