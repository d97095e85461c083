import { enabledStatus, nullableString, resourceTime } from './common-schemas.js';

/** A PSP as src/psps/psp-view.ts answers it (spec/001 step 2): the credential never leaves. */

const operation = {
  type: 'object',
  required: ['flowActionId', 'flowDefinitionId', 'status'],
  properties: { flowActionId: { type: 'string' }, flowDefinitionId: { type: 'string' }, status: enabledStatus },
} as const;

const flowTarget = {
  type: ['object', 'null'],
  description: 'The PSP\'s flow target, with its credential schema as a JSON string and the enums of its input schema.',
  required: ['id', 'credentialSchema', 'flowTypeId', 'currencies', 'countries', 'paymentMethods', 'supportedActions'],
  properties: {
    id: { type: 'string' },
    credentialSchema: { type: 'string', description: 'A JSON Schema, serialized.' },
    flowTypeId: { type: 'string' },
    currencies: { type: 'array', items: { type: 'string' } },
    countries: { type: 'array', items: { type: 'string' } },
    paymentMethods: { type: 'array', items: { type: 'string' } },
    supportedActions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['flowActionId', 'flowDefinitionId', 'flowActionName'],
        properties: { flowActionId: { type: 'string' }, flowDefinitionId: { type: 'string' }, flowActionName: { type: 'string' } },
      },
    },
  },
} as const;

export const psp = {
  type: 'object',
  required: [
    'id', 'name', 'description', 'logo', 'credential', 'brandId', 'environmentId', 'flowTargetId', 'status',
    'createdAt', 'updatedAt', 'createdBy', 'updatedBy', 'operations', 'flowTarget',
  ],
  properties: {
    id: { type: 'string', description: 'PSP id: `pspId` when creating a transaction.' },
    name: { type: 'string' },
    description: nullableString,
    logo: nullableString,
    credential: { type: 'string', enum: ['***ENCRYPTED***'], description: 'Stored encrypted; never returned.' },
    brandId: { type: 'string' },
    environmentId: { type: 'string' },
    flowTargetId: { type: 'string' },
    status: enabledStatus,
    createdAt: resourceTime,
    updatedAt: resourceTime,
    createdBy: { type: 'string', description: 'The environment (or operator) that created it.' },
    updatedBy: { type: 'string' },
    operations: { type: 'array', items: operation },
    flowTarget,
  },
} as const;
