import { compileValidator } from '../validation.js';
import { targetInputSchemaSchema } from './manifest-schema.js';

export interface CustomActionInput {
  script: string;
  description?: string;
  /** Checks executePayload.body of this action's transactions; default: any object. */
  inputSchema?: Record<string, unknown>;
}

export interface CreateCustomTargetInput {
  name: string;
  logo?: string;
  credentialSchema: Record<string, unknown>;
  inputSchema?: Record<string, unknown>;
  allowedHosts: string[];
  actions: Partial<Record<'DEPOSIT' | 'WITHDRAW' | 'REFUND', CustomActionInput>>;
}

export interface UpdateCustomTargetInput {
  status?: 'ENABLED' | 'DISABLED';
  logo?: string | null;
  allowedHosts?: string[];
}

/** 256 KiB of script is far beyond any gateway integration and bounds what a compile may cost. */
export const maxScriptChars = 262_144;

/** host or host:port, lower-case; IPv6 literals in brackets. Matched exactly by sdk.http. */
export const allowedHostPattern = '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*|\\[[0-9a-f:.]+\\])(:[0-9]{1,5})?$';

const actionSchema = {
  type: 'object',
  required: ['script'],
  additionalProperties: false,
  properties: {
    script: { type: 'string', minLength: 1, maxLength: maxScriptChars },
    description: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
    inputSchema: { type: 'object' },
  },
} as const;

const allowedHosts = {
  type: 'array',
  maxItems: 20,
  uniqueItems: true,
  items: { type: 'string', maxLength: 260, pattern: allowedHostPattern },
} as const;

const logo = { type: 'string', minLength: 1, maxLength: 65_536 } as const;

/** Body of POST /admin/v1/flow-targets. */
export const createCustomTargetSchema = {
  type: 'object',
  required: ['name', 'credentialSchema', 'allowedHosts', 'actions'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' },
    logo,
    credentialSchema: {
      type: 'object',
      required: ['type', 'properties'],
      properties: { type: { const: 'object' }, properties: { type: 'object' } },
    },
    inputSchema: targetInputSchemaSchema,
    allowedHosts,
    actions: {
      type: 'object',
      minProperties: 1,
      additionalProperties: false,
      properties: { DEPOSIT: actionSchema, WITHDRAW: actionSchema, REFUND: actionSchema },
    },
  },
} as const;

/** Body of PATCH /admin/v1/flow-targets/{id}. */
export const updateCustomTargetSchema = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: {
    status: { enum: ['ENABLED', 'DISABLED'] },
    logo: { anyOf: [logo, { type: 'null' }] },
    allowedHosts,
  },
} as const;

export const checkCreateCustomTarget = compileValidator(createCustomTargetSchema);
export const checkUpdateCustomTarget = compileValidator(updateCustomTargetSchema);

/** Body of PUT /admin/v1/flow-targets/{id}/actions/{action}, and each action of a new target. */
export const actionVersionSchema = actionSchema;
export const checkActionVersion = compileValidator(actionVersionSchema);

/** What a target without an inputSchema of its own advertises: no restriction listed. */
export const emptyTargetInputSchema = {
  paymentMethods: { type: 'array', items: { enum: [], type: 'string' } },
  countries: { type: 'array', items: { enum: [], type: 'string' } },
  currencies: { type: 'array', items: { enum: [], type: 'string' } },
};
