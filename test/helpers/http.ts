import assert from 'node:assert/strict';
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

const envelopeTimestampPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Asserts Connxt's success envelope, field by field, and returns its data. */
export function assertSuccessEnvelope(res: Response, status = 200, message = 'Operation completed successfully') {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['timestamp', 'code', 'message', 'data']);
  assert.match(body.timestamp, envelopeTimestampPattern);
  assert.equal(body.code, String(status));
  assert.equal(body.message, message);
  return body.data;
}

/** Asserts Connxt's error envelope with this HTTP status and Connxt code, and returns the body. */
export function assertErrorEnvelope(res: Response, status: number, code: string) {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['timestamp', 'code', 'message', 'errors']);
  assert.match(body.timestamp, envelopeTimestampPattern);
  assert.equal(body.code, code);
  return body as { timestamp: string; code: string; message: string; errors: { field: string; message: string }[] };
}
