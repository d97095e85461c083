import type { FastifyPluginAsync } from 'fastify';
import {
  actionVersionSchema,
  checkActionVersion,
  checkCreateCustomTarget,
  checkUpdateCustomTarget,
  createCustomTargetSchema,
  updateCustomTargetSchema,
  type CreateCustomTargetInput,
  type CustomActionInput,
  type UpdateCustomTargetInput,
} from '../../../catalog/custom-target-input.js';
import type { CustomTargetService } from '../../../catalog/custom-target-service.js';
import type { ActionName } from '../../../catalog/flow-types.js';
import { AppError } from '../../../errors.js';
import { successEnvelope } from '../../envelope.js';
import { validatedBody } from '../../validated-body.js';
import { flowTargetDetail, flowTargetSummary, flowTargetWithScripts } from '../../openapi/catalog-schemas.js';
import { pathParams } from '../../openapi/common-schemas.js';
import { errorResponses, successResponse } from '../../openapi/envelopes.js';

const actionNames: readonly string[] = ['DEPOSIT', 'WITHDRAW', 'REFUND'];

const tags = ['Admin: flow targets'];
const targetParams = pathParams({ id: 'Flow target id (`ftg_…`).' });
const targetNotFound = 'Flow target not found (4004).';
const builtinConflict = 'A builtin target (connectors/) only has its status changed here (4005).';

const createSchema = {
  tags,
  summary: 'Add a custom flow target',
  description: 'A gateway without a release: its scripts are compiled and checked (an `initiate` step each) before anything is stored.',
  body: createCustomTargetSchema,
  response: {
    201: successResponse('The target in the definitions format, with its source, hosts and versions.', flowTargetDetail, {
      status: 201,
      message: 'Resource created successfully',
    }),
    ...errorResponses({ 400: 'Invalid body, schema or script (4001).', 409: 'A flow target with this name exists (4005).' }),
  },
};
const listSchema = {
  tags,
  summary: 'List flow targets',
  description: 'Builtin and custom ones, by id.',
  response: { 200: successResponse('Every target.', { type: 'array', items: flowTargetSummary }) },
};
const getSchema = {
  tags,
  summary: 'Get a flow target',
  params: targetParams,
  response: { 200: successResponse('The target, with the script each action runs now.', flowTargetWithScripts), ...errorResponses({ 404: targetNotFound }) },
};
const updateSchema = {
  tags,
  summary: 'Update a flow target',
  description: 'Switch any target on or off; a custom one\'s logo and allowed hosts too.',
  params: targetParams,
  body: updateCustomTargetSchema,
  response: { 200: successResponse('The target as it is now.', flowTargetDetail), ...errorResponses({ 404: targetNotFound, 409: builtinConflict }) },
};
const putActionSchema = {
  tags,
  summary: 'Put a new script version',
  description: 'Transactions already running keep the version they started with.',
  params: pathParams({ id: 'Flow target id (`ftg_…`).', action: '`DEPOSIT`, `WITHDRAW` or `REFUND`.' }),
  body: actionVersionSchema,
  response: {
    200: successResponse('The target with the new version.', flowTargetDetail),
    ...errorResponses({ 400: 'Invalid body, schema or script (4001).', 404: 'Flow target or action not found (4004).', 409: 'Builtin targets change their scripts in connectors/ (4005).' }),
  },
};

export function adminFlowTargetRoutes(deps: { customTargets: CustomTargetService }): FastifyPluginAsync {
  return async (app) => {
    /** Adds a gateway without a release: its scripts are compiled and checked before anything is stored. */
    app.post('/flow-targets', { schema: createSchema }, async (request, reply) => {
      const input = validatedBody<CreateCustomTargetInput>(request, checkCreateCustomTarget);
      void reply.code(201);
      return successEnvelope(await deps.customTargets.create(input), { status: 201, message: 'Resource created successfully' });
    });

    app.get('/flow-targets', { schema: listSchema }, async () => successEnvelope(await deps.customTargets.list()));

    app.get('/flow-targets/:id', { schema: getSchema }, async (request) => {
      const { id } = request.params as { id: string };
      return successEnvelope(await deps.customTargets.getWithScripts(id));
    });

    app.patch('/flow-targets/:id', { schema: updateSchema }, async (request) => {
      const { id } = request.params as { id: string };
      const input = validatedBody<UpdateCustomTargetInput>(request, checkUpdateCustomTarget);
      return successEnvelope(await deps.customTargets.update(id, input));
    });

    /** A new script version; transactions already running keep the version they started with. */
    app.put('/flow-targets/:id/actions/:action', { schema: putActionSchema }, async (request) => {
      const { id, action } = request.params as { id: string; action: string };
      if (!actionNames.includes(action)) throw AppError.notFound('Flow action not found');
      const input = validatedBody<CustomActionInput>(request, checkActionVersion);
      return successEnvelope(await deps.customTargets.putAction(id, action as ActionName, input));
    });
  };
}
