import fc from 'fast-check';
import { abuseBody, strayBody, type Payload, type Template } from '../helpers/abuse-bodies.js';
import { contentTypes, extraHeaders, hostileSegments, pathSegment, queryString } from '../helpers/abuse-requests.js';
import { adminCredential, secretTokenCredential, type HeaderCredential, type TokenKind } from '../helpers/abuse-tokens.js';
import { cardText, oddString, plantedPanSpellings, pollutionKeys } from '../helpers/abuse-values.js';
import { signAbuseWebhook, type AbuseWorld } from './abuse-world.js';
import type { Endpoint } from './endpoints.js';

/** One generated request, and what the suite knows about it to judge the answer. */
export interface Plan {
  method: string;
  url: string;
  headers: Record<string, string | string[]>;
  payload: Payload | undefined;
  credential: TokenKind | 'none';
  /** What was wrong with the credential (or `valid`). */
  variant: string;
  /** The path or method was tampered with, so the route itself may not match. */
  hostilePath: boolean;
  /** Callbacks: the URL carries the right token for an existing transaction. */
  callbackTokenValid?: boolean;
}

/** How fast-check prints a failing request: known secrets masked, long bodies cut. */
function described(plan: Plan, w: AbuseWorld): Plan {
  const payload = plan.payload === undefined ? '(none)' : Buffer.isBuffer(plan.payload) ? `bytes ${plan.payload.toString('hex')}` : plan.payload;
  const text = `${plan.method} ${plan.url} [${plan.credential}: ${plan.variant}] headers ${JSON.stringify(plan.headers)} body (${payload.length} chars) ${payload.slice(0, 400)}`;
  return Object.assign(plan, { [fc.toStringMethod]: () => w.scanner.mask(text) });
}

// Not DELETE: it would remove the webhook endpoint the routes after it aim at (DELETE has an entry of its own, last).
const otherMethods = ['GET', 'POST', 'PATCH', 'PUT', 'OPTIONS'] as const;

/** `:name` parameters, and a wildcard's rest of the path, which Fastify names `*`. */
function paramNames(route: string): string[] {
  return [...route.matchAll(/:(\w+)|\*/g)].map((match) => match[1] ?? '*');
}

function fillRoute(route: string, values: readonly string[]): string {
  let i = 0;
  return route.replace(/:\w+|\*/g, () => values[i++]!);
}

const publicCredential: fc.Arbitrary<HeaderCredential> = fc.constant({ kind: 'valid', variant: 'none needed', headers: {} });

function credentialFor(endpoint: Endpoint, w: AbuseWorld): fc.Arbitrary<HeaderCredential> {
  switch (endpoint.auth) {
    case 'tenant':
      return secretTokenCredential(w.tokens);
    case 'admin':
      return adminCredential(w.tokens);
    case 'public':
      return fc.oneof(publicCredential, secretTokenCredential(w.tokens), adminCredential(w.tokens));
  }
}

function bodyFor(endpoint: Endpoint, w: AbuseWorld): fc.Arbitrary<Payload | undefined> {
  if (endpoint.bodies === undefined) return strayBody;
  // Cards only where the engine promises to mask them: a transaction's payload.
  const extras = endpoint.route === '/connxt/v2/transactions' ? [cardText] : [];
  const templates: Template[] = endpoint.bodies(w);
  return fc.oneof(...templates.map((template) => abuseBody(template, extras)));
}

/** Requests for one endpoint: its method and route, with everything else generated. */
export function planFor(endpoint: Endpoint, w: AbuseWorld): fc.Arbitrary<Plan> {
  const params = endpoint.params?.(w) ?? {};
  const segments = fc.tuple(...paramNames(endpoint.route).map((name) => pathSegment(params[name] ?? ['x'])));
  const method = fc.oneof({ weight: 19, arbitrary: fc.constant(endpoint.method) }, { weight: 1, arbitrary: fc.constantFrom(...otherMethods) });
  return fc
    .record({
      method,
      segments,
      query: queryString(endpoint.query ?? []),
      credential: credentialFor(endpoint, w),
      contentType: contentTypes,
      extra: extraHeaders(endpoint.creates === true),
      payload: bodyFor(endpoint, w),
    })
    .map(({ method: chosen, segments: values, query, credential, contentType, extra, payload }): Plan => {
      const sendsBody = payload !== undefined;
      return described({
        method: chosen,
        url: fillRoute(endpoint.route, values.map((v) => v.text)) + query,
        headers: { ...extra, ...credential.headers, ...(sendsBody && contentType !== undefined ? { 'content-type': contentType } : {}) },
        payload,
        credential: endpoint.auth === 'public' ? 'none' : credential.kind,
        variant: credential.variant,
        hostilePath: chosen !== endpoint.method || values.some((v) => v.hostile),
      }, w);
    });
}

/** A gateway's notification as the abuse gateway reads it; the card is there to be masked. */
const webhookTemplate: Template = { id: 'psp-evt-1', state: 'PENDING', message: 'payment pending', card: { number: '4111111111111111', cvc: '737' } };

const finalStates = fc.constantFrom('"SUCCESS"', '"FAILED"', '"success"', '"PENDING"');

/** Form bodies: fields with odd names and values, pollution keys, planted card numbers. */
const formBody: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.oneof(oddString, fc.constantFrom('state', 'id', 'message', 'card_number', 'cvc', '__proto__', 'constructor', 'prototype', 'a[__proto__][polluted]')),
      fc.oneof(oddString, fc.constantFrom(...plantedPanSpellings, 'SUCCESS', 'yes')),
    ),
    { maxLength: 6 },
  )
  .map((fields) => fields.map(([k, v]) => `${encodeURIComponent(k.replace(/[\ud800-\udfff]/g, '?'))}=${encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '?'))}`).join('&'));

const callbackBody: fc.Arbitrary<{ payload: Payload | undefined; contentType: string | undefined }> = fc.oneof(
  { weight: 6, arbitrary: abuseBody(webhookTemplate, [finalStates, cardText]).map((payload) => ({ payload, contentType: 'application/json' })) },
  { weight: 2, arbitrary: formBody.map((payload) => ({ payload, contentType: 'application/x-www-form-urlencoded' })) },
  { weight: 2, arbitrary: fc.tuple(abuseBody(webhookTemplate), contentTypes).map(([payload, contentType]) => ({ payload, contentType })) },
  { weight: 1, arbitrary: fc.constant({ payload: `<xml><card>${plantedPanSpellings[0]}</card></xml>`, contentType: 'text/xml' }) },
  { weight: 1, arbitrary: fc.constant({ payload: `{"pad":"${'x'.repeat(300_000)}"}`, contentType: 'application/json' }) },
);

/** The URL of a callback: the right token, or one of the ways of getting it wrong. */
function callbackTarget(kind: 'r' | 'w', w: AbuseWorld): fc.Arbitrary<{ path: string; valid: boolean; variant: string; hostile: boolean }> {
  const ids = [...w.transactions.deposits, w.transactions.settled, w.transactions.b];
  const other = kind === 'r' ? 'w' : 'r';
  const base = `/connxt/v2/callbacks`;
  const right = (id: string) => `${base}/${kind}/${id}/${w.callbackToken(kind, id)}`;
  const wrong: fc.Arbitrary<{ path: string; variant: string; hostile: boolean }> = fc.oneof(
    fc.constantFrom(...ids).map((id) => ({ path: `${base}/${kind}/${id}/${w.callbackToken(other, id)}`, variant: 'token of the other URL', hostile: false })),
    fc.tuple(fc.constantFrom(...ids), fc.constantFrom(...ids)).filter(([a, b]) => a !== b).map(([a, b]) => ({ path: `${base}/${kind}/${a}/${w.callbackToken(kind, b)}`, variant: 'another transaction’s token', hostile: false })),
    fc.tuple(fc.constantFrom(...ids), fc.nat({ max: 31 }), fc.constantFrom('A', '-', '_', '0')).map(([id, at, c]) => {
      const token = w.callbackToken(kind, id);
      const changed = token.slice(0, at) + (token[at] === c ? 'B' : c) + token.slice(at + 1);
      return { path: `${base}/${kind}/${id}/${changed}`, variant: 'token one character off', hostile: false };
    }),
    fc.constantFrom(...ids).map((id) => ({ path: `${right(id).slice(0, -1)}`, variant: 'token truncated', hostile: false })),
    fc.tuple(fc.constantFrom(...ids), oddString).map(([id, s]) => ({ path: `${base}/${kind}/${id}/${encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '?')) || 'x'}`, variant: 'odd token', hostile: false })),
    fc.constantFrom(...ids).map((id) => ({ path: `${base}/${kind}/ortx${'A'.repeat(12)}/${w.callbackToken(kind, id)}`, variant: 'unknown transaction', hostile: false })),
    fc.tuple(fc.constantFrom(...ids), fc.constantFrom(...hostileSegments)).map(([id, segment]) => ({ path: `${base}/${kind}/${segment}/${w.callbackToken(kind, id)}`, variant: 'hostile transaction id', hostile: true })),
    fc.tuple(fc.constantFrom(...ids), fc.constantFrom('x', 'R', 'rw', 'r%00', '..', '%2e')).map(([id, k]) => ({ path: `${base}/${k}/${id}/${w.callbackToken(kind, id)}`, variant: 'hostile kind', hostile: true })),
  );
  return fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...ids).map((id) => ({ path: right(id), valid: true, variant: 'valid', hostile: false })) },
    { weight: 4, arbitrary: wrong.map((target) => ({ ...target, valid: false })) },
  );
}

/** Requests to one kind of callback URL with one method. */
export function callbackPlan(kind: 'r' | 'w', method: 'GET' | 'POST', w: AbuseWorld): fc.Arbitrary<Plan> {
  const body = method === 'POST' ? callbackBody : fc.oneof({ weight: 9, arbitrary: fc.constant({ payload: undefined, contentType: undefined }) }, { weight: 1, arbitrary: callbackBody });
  const queryNames = kind === 'r' ? ['status', 'note', 'to', 'payer'] : ['note', 'signature', 'token'];
  return fc
    .record({
      target: callbackTarget(kind, w),
      query: fc.oneof(queryString(queryNames), fc.constantFrom(`?card=${plantedPanSpellings[1]}`, '?status=SUCCESS&note=paid', '?to=script', `?note=%00`)),
      body,
      signature: fc.oneof(
        { weight: 2, arbitrary: fc.constant<'sign' | string | undefined>('sign') },
        { weight: 1, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.oneof(oddString.map((s) => s.replace(/[\r\n]/g, '')), fc.constantFrom('0'.repeat(64), `${'a'.repeat(63)}\u0000`)) },
      ),
      extra: extraHeaders(false),
      pollutingHeader: fc.option(fc.constantFrom(...pollutionKeys).map((key) => JSON.parse(key) as string).filter((name) => /^[\w-]+$/.test(name)), { freq: 10 }),
    })
    .map(({ target, query, body, signature, extra, pollutingHeader }): Plan => {
      const headers: Record<string, string | string[]> = { ...extra };
      if (body.contentType !== undefined && body.payload !== undefined) headers['content-type'] = body.contentType;
      if (signature !== undefined) headers['x-abuse-signature'] = signature === 'sign' ? signAbuseWebhook(w.apiKey, body.payload ?? '') : signature;
      if (pollutingHeader !== null) headers[pollutingHeader] = '{"polluted":"yes"}';
      return described({
        method,
        url: target.path + query,
        headers,
        payload: body.payload,
        credential: target.valid ? 'valid' : 'bad',
        variant: target.variant,
        hostilePath: target.hostile,
        callbackTokenValid: target.valid,
      }, w);
    });
}
