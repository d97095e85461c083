import type { LightMyRequestResponse } from 'fastify';
import type { Plan } from './request-plans.js';

/**
 * What every answer must look like, whatever was sent. Each check answers the first thing wrong
 * with the answer, or undefined; the suite fails the generated input that provoked it.
 */

const codeByStatus: Record<number, string> = { 400: '4001', 401: '4002', 403: '4003', 404: '4004', 409: '4005', 413: '4001', 415: '4001' };
const timestampPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function jsonOf(res: LightMyRequestResponse): unknown {
  try {
    return JSON.parse(res.body);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{timestamp, code, message, errors}` exactly, with the Connxt code of the HTTP status. */
export function envelopeProblem(res: LightMyRequestResponse): string | undefined {
  const body = jsonOf(res);
  if (!isRecord(body)) return 'an error answer that is not a JSON object';
  const keys = Object.keys(body).join(',');
  if (keys !== 'timestamp,code,message,errors') return `an error envelope with keys ${keys}`;
  if (typeof body.timestamp !== 'string' || !timestampPattern.test(body.timestamp)) return 'an error envelope without a proper timestamp';
  if (body.code !== codeByStatus[res.statusCode]) return `HTTP ${res.statusCode} with Connxt code ${String(body.code)}`;
  if (typeof body.message !== 'string' || body.message === '') return 'an error envelope without a message';
  const errors = body.errors;
  if (!Array.isArray(errors) || !errors.every((e) => isRecord(e) && typeof e.field === 'string' && typeof e.message === 'string')) {
    return 'an error envelope whose errors are not [{field, message}]';
  }
  return undefined;
}

function successProblem(res: LightMyRequestResponse): string | undefined {
  const body = jsonOf(res);
  if (!isRecord(body)) return 'a success answer that is not a JSON object';
  const keys = Object.keys(body).join(',');
  if (keys !== 'timestamp,code,message,data') return `a success envelope with keys ${keys}`;
  if (body.code !== String(res.statusCode)) return `HTTP ${res.statusCode} with code ${String(body.code)}`;
  return undefined;
}

/** Refused credentials: 401 in the envelope, or (when the path itself was tampered with) any error without data. */
function refusedProblem(plan: Plan, res: LightMyRequestResponse): string | undefined {
  if (res.statusCode < 400) return `a bad credential (${plan.variant}) was accepted with HTTP ${res.statusCode}`;
  if (!plan.hostilePath && res.statusCode !== 401) return `a bad credential (${plan.variant}) answered ${res.statusCode}, not 401`;
  return envelopeProblem(res);
}

/** /connxt/v2 (except callbacks), /admin/v1, /health, /ready and /metrics (whose 2xx is `successAnswer`'s to judge). */
export function apiAnswerProblem(
  plan: Plan,
  res: LightMyRequestResponse,
  privateIds: readonly string[],
  successAnswer: (res: LightMyRequestResponse) => string | undefined = successProblem,
): string | undefined {
  if (res.statusCode >= 500) return `HTTP ${res.statusCode}`;
  if (plan.credential === 'bad') return refusedProblem(plan, res);
  if (plan.credential === 'other-tenant') {
    const seen = privateIds.find((id) => res.body.includes(id));
    if (seen !== undefined) return `another tenant's token saw ${seen}`;
  }
  if (plan.method === 'HEAD') return undefined;
  return res.statusCode >= 400 ? envelopeProblem(res) : successAnswer(res);
}

/**
 * Callbacks answer the gateway, not a merchant: `{received}` (or the step's refusal) for webhooks,
 * a redirect or a status page for payers. A wrong token is a 404 like an unknown transaction, and
 * nothing else; errors of the engine's own (body too large, bad URL) use the envelope.
 */
export function callbackAnswerProblem(plan: Plan, res: LightMyRequestResponse, kind: 'r' | 'w'): string | undefined {
  if (res.statusCode >= 500) return `HTTP ${res.statusCode}`;
  if (!plan.callbackTokenValid) {
    if (res.statusCode < 400) return `a wrong callback URL (${plan.variant}) was served with HTTP ${res.statusCode}`;
    if (!plan.hostilePath && ![400, 404, 413, 415].includes(res.statusCode)) return `a wrong callback URL (${plan.variant}) answered ${res.statusCode}`;
    return envelopeProblem(res);
  }
  const body = jsonOf(res);
  if (res.statusCode >= 400) {
    if (kind === 'w' && isRecord(body) && body.received === false && typeof body.message === 'string') return undefined;
    return envelopeProblem(res);
  }
  if (kind === 'w') {
    return isRecord(body) && body.received === true ? undefined : `a webhook answered ${res.statusCode} ${res.body.slice(0, 100)}`;
  }
  if (res.statusCode === 302) return typeof res.headers.location === 'string' ? undefined : 'a redirect without a location';
  if (res.statusCode === 200 && String(res.headers['content-type']).startsWith('text/html')) return undefined;
  return `a payer's return answered ${res.statusCode} ${String(res.headers['content-type'])}`;
}

/** Whether the handler took the callback (and so stored it): everything but the engine's own errors. */
export function callbackWasStored(plan: Plan, res: LightMyRequestResponse): boolean {
  return plan.callbackTokenValid === true && (res.statusCode < 400 || isRecord(jsonOf(res)) && 'received' in (jsonOf(res) as object));
}
