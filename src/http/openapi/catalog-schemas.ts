import { enabledStatus } from './common-schemas.js';

/** Flow types and targets as src/catalog/catalog-views.ts and custom-target-service.ts answer them. */

const actionName = { type: 'string', enum: ['DEPOSIT', 'WITHDRAW', 'REFUND'] } as const;

/** A merchant's transaction input, checked against a definition: any JSON Schema. */
const anySchema = { type: 'object', description: 'A JSON Schema.' } as const;

const targetActions = {
  type: 'array',
  description: 'Every action of the flow type; `definition` is null where the target has no script for it.',
  items: {
    type: 'object',
    required: ['id', 'name', 'definition'],
    properties: {
      id: { type: 'string', description: 'Flow action id: `flowActionId` in PSP operations and transactions.' },
      name: actionName,
      definition: {
        type: ['object', 'null'],
        required: ['id', 'description', 'inputSchema'],
        properties: {
          id: { type: 'string', description: 'Flow definition id: `flowDefinitionId` in PSP operations.' },
          description: { type: 'string' },
          inputSchema: { ...anySchema, description: 'Checks `executePayload.body` of this action\'s transactions.' },
        },
      },
    },
  },
} as const;

const targetProperties = {
  id: { type: 'string', description: 'Flow target id: `flowTargetId` when creating a PSP.' },
  name: { type: 'string' },
  logo: { type: 'string', description: 'A URL or a data URI.' },
  status: enabledStatus,
  credentialSchema: { ...anySchema, description: 'What the PSP `credential` (a JSON string) must hold.' },
  inputSchema: {
    type: 'object',
    description: 'The payment methods, countries and currencies the target supports (`items.enum`; empty when unrestricted).',
  },
  actions: targetActions,
} as const;

/** data of GET /connxt/v2/flow-types/definitions (spec/001 step 1). */
export const flowTypeDefinitions = {
  type: 'object',
  required: ['name', 'targets'],
  properties: {
    name: { type: 'string', examples: ['PSP'] },
    targets: {
      type: 'array',
      items: { type: 'object', required: Object.keys(targetProperties), properties: targetProperties },
    },
  },
} as const;

const source = { type: 'string', enum: ['builtin', 'custom'], description: '`builtin` targets come from connectors/, `custom` ones from the admin API.' } as const;
const allowedHosts = { type: 'array', items: { type: 'string' }, description: 'The only hosts its scripts may call (`host` or `host:port`).' } as const;

/** A target as operators see it: the definitions format plus its source, egress and script versions. */
export const flowTargetDetail = {
  type: 'object',
  required: [...Object.keys(targetProperties), 'source', 'allowedHosts', 'versions'],
  properties: {
    ...targetProperties,
    source,
    allowedHosts,
    versions: {
      type: 'object',
      additionalProperties: { type: 'integer' },
      description: 'Flow definition id → its latest script version.',
    },
  },
} as const;

/** GET /admin/v1/flow-targets/{id}: the detail plus the script each action runs now. */
export const flowTargetWithScripts = {
  ...flowTargetDetail,
  required: [...flowTargetDetail.required, 'scripts'],
  properties: {
    ...flowTargetDetail.properties,
    scripts: {
      type: 'object',
      description: 'Action name → the latest version of its script, with the shared modules (by import specifier) it was built with.',
      additionalProperties: {
        type: 'object',
        required: ['definitionId', 'version', 'script', 'modules'],
        properties: {
          definitionId: { type: 'string' },
          version: { type: 'integer', minimum: 1 },
          script: { type: 'string' },
          modules: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  },
} as const;

export const flowTargetSummary = {
  type: 'object',
  required: ['id', 'name', 'status', 'source', 'allowedHosts'],
  properties: { id: targetProperties.id, name: targetProperties.name, status: enabledStatus, source, allowedHosts },
} as const;
