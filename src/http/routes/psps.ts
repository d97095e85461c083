import type { FastifyPluginAsync } from 'fastify';
import type { IdempotencyStore } from '../../idempotency/idempotency-store.js';
import type { PspService } from '../../psps/psp-service.js';
import { tenantOf } from '../auth.js';
import { successEnvelope } from '../envelope.js';
import { idempotent } from '../idempotent.js';
import { limitParam, stringParam, throwIfErrors } from '../request-input.js';
import type { FieldError } from '../../errors.js';
import { createPspSchema, updatePspSchema } from '../../psps/psp-input.js';
import { enabledStatus, idempotencyKeyHeader, page, pageQuery, pathParams, replayedHeader } from '../openapi/common-schemas.js';
import { errorResponses, successResponse } from '../openapi/envelopes.js';
import { psp } from '../openapi/psp-schemas.js';
import { specCreatePspAnswer, specCreatePspRequest } from '../openapi/spec-examples.js';

const tags = ['PSPs'];
const pspParams = pathParams({ id: 'PSP id (`psp_…`).' });
const pspNotFound = 'PSP not found in this environment (4004).';

const createSchema = {
  tags,
  summary: 'Create a PSP (spec/001 step 2)',
  description:
    'Configures a gateway for the token\'s environment, with the operations it may run. `credential` is a JSON string matching the ' +
    'target\'s `credentialSchema`; it is stored encrypted and never returned. `brandId` and `environmentId` come from the token.',
  headers: idempotencyKeyHeader,
  body: createPspSchema,
  bodyExamples: { spec: specCreatePspRequest },
  response: {
    200: { ...successResponse('The PSP created.', psp, { examples: { spec: specCreatePspAnswer } }), headers: replayedHeader },
    ...errorResponses({
      400: 'Invalid body, or a credential that does not match the target (4001).',
      409: 'A PSP with this name already exists for the target, or the Idempotency-Key was used for another request (4005).',
    }),
  },
};

const listSchema = {
  tags,
  summary: 'List PSPs',
  querystring: pageQuery({ flowTargetId: { type: 'string' }, status: enabledStatus }),
  response: { 200: successResponse('A page of PSPs, newest first.', page(psp)), ...errorResponses({ 400: 'Invalid filter or cursor (4001).' }) },
};

const getSchema = {
  tags,
  summary: 'Get a PSP',
  params: pspParams,
  response: { 200: successResponse('The PSP.', psp), ...errorResponses({ 404: pspNotFound }) },
};

const updateSchema = {
  tags,
  summary: 'Update a PSP',
  description: 'Any subset of the fields: status, name, description, logo, operations, or a replacement credential. The flow target cannot change.',
  params: pspParams,
  body: updatePspSchema,
  response: {
    200: successResponse('The PSP as it is now.', psp),
    ...errorResponses({ 404: pspNotFound, 409: 'A PSP with this name already exists for the target (4005).' }),
  },
};

export function pspRoutes(deps: { psps: PspService; idempotency: IdempotencyStore }): FastifyPluginAsync {
  return async (app) => {
    /** spec/001 step 2. brandId and environmentId come from the token, never from the body. */
    app.post('/psps/external', { schema: createSchema }, async (request, reply) =>
      idempotent(request, reply, deps.idempotency, async () => ({
        status: 200,
        body: successEnvelope(await deps.psps.create(tenantOf(request), request.body)),
      })),
    );

    app.get('/psps', { schema: listSchema }, async (request) => {
      const query = request.query as Record<string, unknown>;
      const errors: FieldError[] = [];
      const limit = limitParam(query, errors);
      const cursor = stringParam(query, 'cursor', errors);
      const flowTargetId = stringParam(query, 'flowTargetId', errors);
      const status = stringParam(query, 'status', errors, ['ENABLED', 'DISABLED'] as const);
      throwIfErrors(errors);
      return successEnvelope(await deps.psps.list(tenantOf(request), { limit, cursor, flowTargetId, status }));
    });

    app.get('/psps/:id', { schema: getSchema }, async (request) => {
      const { id } = request.params as { id: string };
      return successEnvelope(await deps.psps.get(tenantOf(request), id));
    });

    app.patch('/psps/:id', { schema: updateSchema }, async (request) => {
      const { id } = request.params as { id: string };
      return successEnvelope(await deps.psps.update(tenantOf(request), id, request.body));
    });
  };
}
