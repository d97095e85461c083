import { nullableString, optionalResourceTime, resourceTime } from './common-schemas.js';

/** Brands, environments and secret tokens as src/tenants/tenant-rows.ts answers them. */

export const brand = {
  type: 'object',
  required: ['id', 'name', 'createdAt', 'updatedAt'],
  properties: { id: { type: 'string', examples: ['brn_McUjiTJboTbpIjdZIog2w6fWdx'] }, name: { type: 'string' }, createdAt: resourceTime, updatedAt: resourceTime },
} as const;

const environmentProperties = {
  id: { type: 'string', examples: ['env_8AJmgfoJgGJ0eFoH8UZ6oeli42'] },
  brandId: { type: 'string' },
  name: { type: 'string' },
  production: { type: 'boolean' },
  successRedirectUrl: nullableString,
  failureRedirectUrl: nullableString,
  webhookUrl: nullableString,
  hostMap: { type: 'object', additionalProperties: { type: 'string' }, description: 'PSP origin → the base URL scripts call instead.' },
  withdrawalAutoApproveLimits: {
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Currency → amount below which a withdrawal runs without an operator.',
  },
  createdAt: resourceTime,
  updatedAt: resourceTime,
} as const;

export const environment = { type: 'object', required: Object.keys(environmentProperties), properties: environmentProperties } as const;

const secretToken = { type: 'string', description: 'The secret: shown in this answer only, stored as a hash.' } as const;

export const environmentWithToken = {
  type: 'object',
  required: [...Object.keys(environmentProperties), 'secretToken'],
  properties: { ...environmentProperties, secretToken },
} as const;

const tokenProperties = {
  id: { type: 'string' },
  environmentId: { type: 'string' },
  prefix: { type: 'string', description: 'The first characters of the secret, to tell tokens apart.' },
  status: { type: 'string', enum: ['ACTIVE', 'EXPIRING', 'EXPIRED', 'REVOKED'] },
  createdAt: resourceTime,
  expiresAt: optionalResourceTime,
  revokedAt: optionalResourceTime,
  lastUsedAt: optionalResourceTime,
} as const;

export const token = { type: 'object', required: Object.keys(tokenProperties), properties: tokenProperties } as const;

export const tokenWithSecret = {
  type: 'object',
  required: [...Object.keys(tokenProperties), 'secretToken'],
  properties: { ...tokenProperties, secretToken },
} as const;

export const tokenRotation = {
  type: 'object',
  required: ['token', 'expiring'],
  properties: {
    token: tokenWithSecret,
    expiring: { type: 'array', items: token, description: 'The tokens that were live, now expiring after the grace period.' },
  },
} as const;
