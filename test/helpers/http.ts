import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export interface CallOptions {
  /** The X-SECRET-TOKEN to send; `null` sends none. */
  token?: string | null;
  /** Authorization: Bearer <admin>; `null` sends none. */
  admin?: string | null;
  headers?: Record<string, string>;
}

/** Requests against an app built by buildApp, with the tenant token of `defaultToken()` unless told otherwise. */
export function client(app: () => FastifyInstance, defaultToken: () => string | undefined) {
  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, options: CallOptions = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? defaultToken() : options.token;
    if (token !== null && token !== undefined) headers['x-secret-token'] = token;
    if (options.admin !== undefined && options.admin !== null) headers.authorization = `Bearer ${options.admin}`;
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    return app().inject({
      method,
      url,
      headers,
      ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  };
  return {
    get: (url: string, options?: CallOptions) => call('GET', url, undefined, options),
    post: (url: string, body?: unknown, options?: CallOptions) => call('POST', url, body, options),
    patch: (url: string, body?: unknown, options?: CallOptions) => call('PATCH', url, body, options),
  };
}

export type Response = LightMyRequestResponse;
