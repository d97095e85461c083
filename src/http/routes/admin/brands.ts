import type { FastifyPluginAsync } from 'fastify';
import { checkCreateBrand, checkCreateEnvironment, createBrandSchema, createEnvironmentSchema } from '../../../tenants/tenant-input.js';
import type { NewEnvironment, TenantService } from '../../../tenants/tenant-service.js';
import { successEnvelope } from '../../envelope.js';
import { validatedBody } from '../../validated-body.js';
import { pathParams } from '../../openapi/common-schemas.js';
import { errorResponses, successResponse } from '../../openapi/envelopes.js';
import { brand, environment, environmentWithToken } from '../../openapi/tenant-schemas.js';

const created = { status: 201, message: 'Resource created successfully' } as const;

const tags = ['Admin: brands'];
const brandParams = pathParams({ brandId: 'Brand id (`brn_…`).' });
const brandNotFound = { 404: 'Brand not found (4004).' };

const createBrandRouteSchema = {
  tags,
  summary: 'Create a brand',
  body: createBrandSchema,
  response: { 201: successResponse('The brand.', brand, created) },
};
const listBrandsSchema = { tags, summary: 'List brands', response: { 200: successResponse('Every brand.', { type: 'array', items: brand }) } };
const getBrandSchema = {
  tags,
  summary: 'Get a brand',
  params: brandParams,
  response: { 200: successResponse('The brand.', brand), ...errorResponses(brandNotFound) },
};
const createEnvironmentRouteSchema = {
  tags,
  summary: 'Create an environment',
  description: 'With its first secret token, shown in this answer only.',
  params: brandParams,
  body: createEnvironmentSchema,
  response: {
    201: successResponse('The environment and its secret token.', environmentWithToken, created),
    ...errorResponses({ ...brandNotFound, 409: 'An environment with this name exists in the brand (4005).' }),
  },
};
const listEnvironmentsSchema = {
  tags,
  summary: 'List a brand\'s environments',
  params: brandParams,
  response: { 200: successResponse('Its environments.', { type: 'array', items: environment }), ...errorResponses(brandNotFound) },
};

export function adminBrandRoutes(deps: { tenants: TenantService }): FastifyPluginAsync {
  return async (app) => {
    app.post('/brands', { schema: createBrandRouteSchema }, async (request, reply) => {
      const { name } = validatedBody<{ name: string }>(request, checkCreateBrand);
      void reply.code(201);
      return successEnvelope(await deps.tenants.createBrand(name.trim()), created);
    });

    app.get('/brands', { schema: listBrandsSchema }, async () => successEnvelope(await deps.tenants.listBrands()));

    app.get('/brands/:brandId', { schema: getBrandSchema }, async (request) => {
      const { brandId } = request.params as { brandId: string };
      return successEnvelope(await deps.tenants.getBrand(brandId));
    });

    /** The response is the only place the environment's first secret token is ever shown. */
    app.post('/brands/:brandId/environments', { schema: createEnvironmentRouteSchema }, async (request, reply) => {
      const { brandId } = request.params as { brandId: string };
      const input = validatedBody<NewEnvironment>(request, checkCreateEnvironment);
      void reply.code(201);
      return successEnvelope(await deps.tenants.createEnvironment(brandId, { ...input, name: input.name.trim() }), created);
    });

    app.get('/brands/:brandId/environments', { schema: listEnvironmentsSchema }, async (request) => {
      const { brandId } = request.params as { brandId: string };
      return successEnvelope(await deps.tenants.listEnvironments(brandId));
    });
  };
}
