import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { TenantContext, TokenAuthenticator } from '../tenants/token-authenticator.js';

declare module 'fastify' {
  interface FastifyRequest {
    tenant?: TenantContext;
  }
}

/** onRequest hook for /connxt/v2 (before the body is read): the X-SECRET-TOKEN header yields the brand and environment. */
export function requireSecretToken(authenticator: TokenAuthenticator) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers['x-secret-token'];
    if (header === undefined || header === '') {
      throw new AppError('unauthenticated', 'Authentication required: send the X-SECRET-TOKEN header');
    }
    const tenant = await authenticator.authenticate(Array.isArray(header) ? undefined : header);
    if (tenant === undefined) throw new AppError('unauthenticated', 'Invalid or expired X-SECRET-TOKEN');
    request.tenant = tenant;
  };
}

export function tenantOf(request: FastifyRequest): TenantContext {
  if (request.tenant === undefined) throw new Error('route is mounted without requireSecretToken or the operator scope');
  return request.tenant;
}

/** onRequest hook for /admin/v1. */
export function requireAdminToken(adminToken: string) {
  return requireBearerToken(adminToken, 'admin token');
}

/**
 * onRequest hook asking for `Authorization: Bearer <token>`. Both sides are hashed first so the
 * comparison is constant-time and does not even reveal the token's length.
 */
export function requireBearerToken(token: string, name: string) {
  const expected = createHash('sha256').update(token).digest();
  return async (request: FastifyRequest): Promise<void> => {
    const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
    const given = createHash('sha256')
      .update(match?.[1] ?? '')
      .digest();
    if (match === null || !timingSafeEqual(given, expected)) {
      throw new AppError('unauthenticated', `Authentication required: send Authorization: Bearer <${name}>`);
    }
  };
}
