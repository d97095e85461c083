import { approvalLimitsSchema } from '../transactions/approval-limits.js';
import { compileValidator } from '../validation.js';

const name = { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' } as const;
const url = { type: ['string', 'null'], maxLength: 2048, format: 'uri', pattern: '^https?://' } as const;
const settings = {
  successRedirectUrl: url,
  failureRedirectUrl: url,
  webhookUrl: url,
  // Replaced as a whole on update: {} makes every withdrawal wait for approval again.
  withdrawalAutoApproveLimits: approvalLimitsSchema,
} as const;

export const createBrandSchema = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: { name },
} as const;

export const createEnvironmentSchema = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: { name, production: { type: 'boolean' }, ...settings },
} as const;

/**
 * PSP origin → base URL that sdk.http uses instead (simulators, a sandbox proxy). Only
 * non-production environments may have one; the service refuses it on production ones.
 */
const hostMap = {
  type: 'object',
  maxProperties: 20,
  propertyNames: { pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$', maxLength: 260 },
  additionalProperties: { type: 'string', maxLength: 2048, format: 'uri', pattern: '^https?://[^?#]+$' },
} as const;

export const updateEnvironmentSchema = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: { name, ...settings, hostMap },
} as const;

/** Grace period of the tokens a rotation replaces: up to 30 days, default one day. */
export const rotateTokensSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { graceSeconds: { type: 'integer', minimum: 0, maximum: 2_592_000 } },
} as const;

export const defaultGraceSeconds = 86_400;

export const checkCreateBrand = compileValidator(createBrandSchema);
export const checkCreateEnvironment = compileValidator(createEnvironmentSchema);
export const checkUpdateEnvironment = compileValidator(updateEnvironmentSchema);
export const checkRotateTokens = compileValidator(rotateTokensSchema);
