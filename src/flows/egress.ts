import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { pipeline, Transform } from 'node:stream';
import { isAnyArrayBuffer } from 'node:util/types';
import zlib from 'node:zlib';
import { isExplicitLocalHost, isIpLiteral, matchAllowedHost, privateAddressReason } from './egress-address.js';

export interface EgressPolicy {
  /** The flow target's allowedHosts: exact "host" or "host:port" (lower-case); a bare host means the scheme's default port. */
  allowedHosts: readonly string[];
  /** Non-production environments only: origin ("https://api.sticpay.com") → base URL ("http://127.0.0.1:9000/sticpay"). */
  hostMap: Readonly<Record<string, string>>;
  timeoutMs: number; // per call
  maxResponseBytes: number; // per call, body bytes after decompression
  maxRequestBytes?: number; // default 1 MiB
}

export interface EgressRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface EgressResponse {
  status: number;
  headers: Record<string, string>;
  data: unknown;
  /** the URL actually contacted after host mapping */
  requestedUrl: string;
}

/** Every refusal, timeout, oversize and network failure: scripts catch one type with a readable message. */
export class EgressError extends Error {
  /**
   * @param beforeSending true only when the request certainly never left (refused before a
   *   connection was open); a timeout or a broken response may come after the server acted.
   * @param timedOut the call ran out of its time (the gateway latency metric tells these apart).
   */
  constructor(
    message: string,
    readonly beforeSending = false,
    readonly timedOut = false,
  ) {
    super(message);
    this.name = 'EgressError';
  }
}

/** Connection failures that mean nothing was delivered. */
const undeliveredCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** Resolves a name to every address it has; the default is the system resolver (dns.lookup). */
export type EgressResolver = (hostname: string, options: LookupOptions) => Promise<LookupAddress[]>;

/** Not part of the contract: tests replace DNS so that a name can "resolve" to any address. */
export interface EgressInternals {
  resolve?: EgressResolver;
}

const DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const ACCEPT_ENCODING = 'gzip, deflate, br';
// Node computes these from the request itself; letting a script set them invites request smuggling.
const FORBIDDEN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'accept-encoding']);

/** The body exactly as it will be sent, and the headers after defaults — exported so the caller can record them. */
export function encodeBody(
  headers: Record<string, string>,
  body: unknown,
): { bytes: Buffer | undefined; headers: Record<string, string> } {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!FORBIDDEN_HEADERS.has(name.toLowerCase())) out[name] = value;
  }
  if (headerName(out, 'user-agent') === undefined) out['user-agent'] = 'connxt-engine';
  // Only the codings decodeBody understands, so the script never sees compressed bytes.
  out['accept-encoding'] = ACCEPT_ENCODING;
  const contentTypeName = headerName(out, 'content-type');
  const payload = encodePayload(body, contentTypeName === undefined ? undefined : out[contentTypeName]);
  if (!payload) return { bytes: undefined, headers: out };
  if (contentTypeName === undefined) out['content-type'] = payload.contentType;
  out['content-length'] = String(payload.bytes.length);
  return { bytes: payload.bytes, headers: out };
}

function headerName(headers: Record<string, string>, lowerName: string): string | undefined {
  return Object.keys(headers).find((name) => name.toLowerCase() === lowerName);
}

function encodePayload(body: unknown, contentType: string | undefined): { bytes: Buffer; contentType: string } | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return { bytes: Buffer.from(body, 'utf8'), contentType: 'text/plain;charset=utf-8' };
  // Copies, so the bytes recorded are the bytes sent even if the script's buffer changes later.
  if (isAnyArrayBuffer(body)) return { bytes: Buffer.from(new Uint8Array(body)), contentType: 'application/octet-stream' };
  if (ArrayBuffer.isView(body)) {
    const view = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    return { bytes: Buffer.from(view), contentType: 'application/octet-stream' };
  }
  if (typeof body === 'function' || typeof body === 'symbol') {
    throw new EgressError(`a request body of type ${typeof body} cannot be sent`, true);
  }
  if (contentType !== undefined && mediaType(contentType) === 'application/x-www-form-urlencoded') {
    return { bytes: Buffer.from(encodeForm(body), 'utf8'), contentType };
  }
  return { bytes: Buffer.from(encodeJson(body), 'utf8'), contentType: 'application/json' };
}

function encodeForm(body: unknown): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new EgressError('a form-encoded request body must be an object of fields', true);
  }
  const fields = new URLSearchParams();
  for (const [name, value] of Object.entries(body)) {
    // Mirrors JSON: an undefined field is absent rather than the text "undefined".
    if (value === undefined) continue;
    fields.append(name, formValue(value));
  }
  return fields.toString();
}

function formValue(value: unknown): string {
  if (value === null) return '';
  if (typeof value === 'object') return encodeJson(value);
  return String(value);
}

function encodeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    throw new EgressError(`the request body cannot be encoded as JSON: ${messageOf(err)}`, true);
  }
}

function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/** Where one hop of the call goes, and how much of the policy applies to it. */
interface Target {
  /** What is actually contacted (after host mapping). */
  url: URL;
  /** The origin the script asked for; redirects may return to it and be mapped again. */
  requestedOrigin: string;
  /** Host-mapped destinations are operator configuration: no allowedHosts or address checks. */
  mapped: boolean;
  /** When set, every address a name resolves to is checked at connect time. */
  guardAddresses: boolean;
}

function parseUrl(text: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw new EgressError(`invalid URL ${JSON.stringify(text)}`, true);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EgressError(`only http and https URLs are allowed, not ${url.protocol.slice(0, -1)}`, true);
  }
  if (url.username !== '' || url.password !== '') {
    throw new EgressError(`URLs with credentials are not allowed (host ${url.host})`, true);
  }
  return url;
}

function resolveTarget(policy: EgressPolicy, url: URL): Target {
  const mappedUrl = mapHost(policy.hostMap, url);
  if (mappedUrl) return { url: mappedUrl, requestedOrigin: url.origin, mapped: true, guardAddresses: false };
  const entry = matchAllowedHost(policy.allowedHosts, url);
  if (!entry) throw new EgressError(`host "${url.host}" is not in this flow target's allowedHosts`, true);
  const trusted = isExplicitLocalHost(entry.hostname);
  // Node never calls lookup for an IP literal, so such a host is judged here instead.
  if (!trusted && isIpLiteral(url.hostname)) refusePrivate(url.hostname);
  return { url, requestedOrigin: url.origin, mapped: false, guardAddresses: !trusted };
}

export function mapHost(hostMap: Readonly<Record<string, string>>, url: URL): URL | undefined {
  const base = Object.entries(hostMap).find(([origin]) => normalizeOrigin(origin) === url.origin)?.[1];
  if (base === undefined) return undefined;
  const baseUrl = parseUrl(base);
  const basePath = baseUrl.pathname.replace(/\/+$/, '');
  return parseUrl(`${baseUrl.origin}${basePath}${url.pathname}${url.search}`);
}

function normalizeOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin.toLowerCase();
  }
}

function refusePrivate(address: string): void {
  const reason = privateAddressReason(address);
  if (reason) throw new EgressError(`refused to connect to ${address}: ${reason}`, true);
}

function redirectTarget(policy: EgressPolicy, current: Target, location: string): Target {
  const next = parseUrl(location, current.url);
  // A mapped server redirecting within itself stays on the operator-configured destination.
  if (current.mapped && next.origin === current.url.origin) return { ...current, url: next };
  // Same origin as the script asked for: every check (and the mapping) applies again.
  if (next.origin === current.requestedOrigin) return resolveTarget(policy, next);
  throw new EgressError(`redirect to another host refused (${current.url.origin} → ${next.origin})`);
}

interface Hop {
  method: string;
  headers: Record<string, string>;
  bytes: Buffer | undefined;
}

/** Browsers' rule: 303, and 301/302 after a POST, continue as a GET without the body. */
function redirectedHop(hop: Hop, status: number): Hop {
  if (status !== 303 && !((status === 301 || status === 302) && hop.method === 'POST')) return hop;
  const headers = Object.fromEntries(
    Object.entries(hop.headers).filter(([name]) => !['content-type', 'content-length'].includes(name.toLowerCase())),
  );
  return { method: 'GET', headers, bytes: undefined };
}

export async function egressRequest(
  policy: EgressPolicy,
  req: EgressRequest,
  signal?: AbortSignal,
  internals: EgressInternals = {},
): Promise<EgressResponse> {
  let target = resolveTarget(policy, parseUrl(req.url));
  const encoded = encodeBody(req.headers ?? {}, req.body);
  const maxRequestBytes = policy.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  if (encoded.bytes && encoded.bytes.length > maxRequestBytes) {
    throw new EgressError(`request body of ${encoded.bytes.length} bytes exceeds ${maxRequestBytes} bytes`, true);
  }
  const call = callSignal(policy.timeoutMs, signal, () => target.url.host);
  try {
    let hop: Hop = { method: req.method, headers: encoded.headers, bytes: encoded.bytes };
    for (let redirects = 0; ; redirects++) {
      const outcome = await exchange(target, hop, policy.maxResponseBytes, call.signal, internals.resolve);
      if (outcome.kind === 'response') return { ...outcome.response, requestedUrl: target.url.href };
      if (redirects === MAX_REDIRECTS) {
        throw new EgressError(`too many redirects from ${target.url.host} (more than ${MAX_REDIRECTS})`);
      }
      target = redirectTarget(policy, target, outcome.location);
      hop = redirectedHop(hop, outcome.status);
    }
  } finally {
    call.dispose();
  }
}

/** One signal for the whole call: the caller's abort and the timeout, each with its own message. */
function callSignal(timeoutMs: number, outer: AbortSignal | undefined, host: () => string) {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new EgressError(`request to ${host()} timed out after ${timeoutMs} ms`, false, true)),
    timeoutMs,
  );
  const onOuterAbort = () => controller.abort(new EgressError(`request to ${host()} was aborted`));
  if (outer?.aborted) onOuterAbort();
  else outer?.addEventListener('abort', onOuterAbort, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    },
  };
}

type Outcome =
  | { kind: 'response'; response: Omit<EgressResponse, 'requestedUrl'> }
  | { kind: 'redirect'; status: number; location: string };

function exchange(
  target: Target,
  hop: Hop,
  maxResponseBytes: number,
  signal: AbortSignal,
  resolve: EgressResolver | undefined,
): Promise<Outcome> {
  const host = target.url.host;
  return new Promise<Outcome>((settle, reject) => {
    if (signal.aborted) return reject(signal.reason);
    let response: IncomingMessage | undefined;
    const onAbort = () => {
      request.destroy(signal.reason);
      response?.destroy(signal.reason);
    };
    const finish = (outcome: Promise<Outcome>) => {
      outcome.then(settle, (err: unknown) => reject(asEgressError(err, host))).finally(() => {
        signal.removeEventListener('abort', onAbort);
        request.destroy();
      });
    };
    let request: http.ClientRequest;
    try {
      request = (target.url.protocol === 'https:' ? https : http).request(target.url, {
        method: hop.method,
        headers: hop.headers,
        agent: agentFor(target, resolve),
        lookup: connectLookup(target.guardAddresses, resolve),
      });
    } catch (err) {
      return reject(asEgressError(err, host));
    }
    signal.addEventListener('abort', onAbort, { once: true });
    finish(
      new Promise<Outcome>((received, failed) => {
        request.on('error', failed);
        request.on('response', (incoming) => {
          response = incoming;
          readResponse(incoming, host, maxResponseBytes).then(received, failed);
        });
        request.end(hop.bytes);
      }),
    );
  });
}

function asEgressError(err: unknown, host: string): EgressError {
  if (err instanceof EgressError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return new EgressError(`request to ${host} failed: ${messageOf(err)}`, code !== undefined && undeliveredCodes.has(code));
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Keep-alive pools: a gateway call reuses an open connection (and its TLS session) instead of
 * paying a handshake every time. A pooled socket was connected to an address that passed the
 * lookup check when it opened, so reusing it checks nothing new; guarded and unguarded
 * destinations never share a pool, so a socket opened without the check never serves a call that
 * needs it. An aborted or timed-out call destroys its socket, so nothing half-read goes back.
 * Idle sockets close after 4 s, before the usual 5 s keep-alive of servers, so a reused socket is
 * rarely one the server is closing.
 */
const poolOptions = { keepAlive: true, timeout: 4_000, maxFreeSockets: 64, scheduling: 'lifo' } as const;
const pools = {
  guarded: { http: new http.Agent(poolOptions), https: new https.Agent(poolOptions) },
  unguarded: { http: new http.Agent(poolOptions), https: new https.Agent(poolOptions) },
};

/** A test's own resolver must see every call's lookup, so such calls never pool. */
function agentFor(target: Target, resolve: EgressResolver | undefined): http.Agent | false {
  if (resolve !== undefined) return false;
  const pool = target.guardAddresses ? pools.guarded : pools.unguarded;
  return target.url.protocol === 'https:' ? pool.https : pool.http;
}

/**
 * Checking inside lookup means the addresses judged are the ones connected to: a name cannot
 * resolve to a public address for a check and a private one for the connection (DNS rebinding).
 */
function connectLookup(guard: boolean, resolve: EgressResolver | undefined): LookupFunction | undefined {
  if (!guard && !resolve) return undefined;
  const resolveAll = resolve ?? systemResolve;
  return (hostname, options, callback) => {
    resolveAll(hostname, options).then(
      (addresses) => {
        const refusal = guard ? addresses.find((entry) => privateAddressReason(entry.address)) : undefined;
        const first = addresses[0];
        if (refusal) {
          const reason = privateAddressReason(refusal.address) ?? '';
          callback(new EgressError(`refused to connect to ${refusal.address}: ${reason}`, true), '');
        } else if (!first) callback(new EgressError(`${hostname} resolved to no address`, true), '');
        else if (options.all) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    );
  };
}

function systemResolve(hostname: string, options: LookupOptions): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });
}

async function readResponse(response: IncomingMessage, host: string, maxBytes: number): Promise<Outcome> {
  const status = response.statusCode ?? 0;
  const location = response.headers.location;
  if (REDIRECT_STATUSES.has(status) && location !== undefined) {
    response.destroy();
    return { kind: 'redirect', status, location };
  }
  const body = await readBody(response, host, maxBytes);
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(response.headersDistinct)) {
    if (values) headers[name] = values.join(', ');
  }
  return { kind: 'response', response: { status, headers, data: parseData(body, headers['content-type']) } };
}

function parseData(body: Buffer, contentType: string | undefined): unknown {
  const text = body.toString('utf8').replace(/^\uFEFF/, '');
  const media = contentType === undefined ? '' : mediaType(contentType);
  if (media !== 'application/json' && !media.endsWith('+json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Streams the body, decoded, and gives up the moment it passes the limit: never holds more than that. */
async function readBody(response: IncomingMessage, host: string, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new EgressError(`response from ${host} exceeds ${maxBytes} bytes`);
  const decoders = decodersFor(response.headers['content-encoding'], host);
  // Compressed sizes say little about the decoded size, so only an identity length refuses early.
  if (decoders.length === 0 && Number(response.headers['content-length']) > maxBytes) throw tooLarge();
  const decoded = decoders.length === 0 ? response : pipeline([response, ...decoders], () => {});
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of decoded as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof EgressError) throw err;
    throw new EgressError(`response from ${host} could not be read: ${messageOf(err)}`);
  }
  return Buffer.concat(chunks, size);
}

/** Codings are listed in the order applied, so they are undone in reverse. */
function decodersFor(contentEncoding: string | undefined, host: string): Transform[] {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  return codings.reverse().map((coding) => {
    if (coding === 'gzip' || coding === 'x-gzip') return zlib.createGunzip();
    if (coding === 'br') return zlib.createBrotliDecompress();
    if (coding === 'deflate') return createDeflateDecoder();
    throw new EgressError(`response from ${host} uses unsupported content-encoding "${coding}"`);
  });
}

/**
 * "deflate" should be zlib-wrapped, but some servers send raw deflate; the first byte tells them
 * apart (a zlib header's low nibble is 8), as browsers do.
 */
function createDeflateDecoder(): Transform {
  let inner: zlib.Inflate | zlib.InflateRaw | undefined;
  const outer: Transform = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (chunk.length === 0) return done();
      if (!inner) {
        inner = ((chunk[0] ?? 0) & 0x0f) === 0x08 ? zlib.createInflate() : zlib.createInflateRaw();
        inner.on('data', (data: Buffer) => outer.push(data));
        inner.on('error', (err) => outer.destroy(err));
      }
      inner.write(chunk, () => done());
    },
    flush(done) {
      if (!inner) return done();
      inner.once('end', () => done());
      inner.end();
    },
    destroy(err, done) {
      inner?.destroy();
      done(err);
    },
  });
  return outer;
}

