import { parseJsonBody } from '../http/json-body.js';

/** A callback as it arrived, before any script sees it. */
export interface InboundRequest {
  method: string;
  /** Lower-case names; a repeated header is joined with ", " as HTTP allows. */
  headers: Record<string, string>;
  query: Record<string, string>;
  /** The exact text received: signatures are computed over it. */
  rawBody: string;
}

/** Never handed to scripts: the payer's browser session with us is no business of a PSP script. */
const withheldHeaders = new Set(['cookie']);

export function headersOf(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined || withheldHeaders.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

export function queryOf(raw: unknown): Record<string, string> {
  const query: Record<string, string> = {};
  if (typeof raw !== 'object' || raw === null) return query;
  for (const [name, value] of Object.entries(raw)) {
    query[name] = Array.isArray(value) ? String(value[value.length - 1]) : String(value);
  }
  return query;
}

/**
 * The body as a script reads it in `ctx.data.body`: a JSON body parsed (with the API's depth and
 * prototype-key limits), form fields as an object, anything else as text; empty is `{}`. A body
 * that claims JSON but is not stays text, so the script can still see and reject it.
 */
export function parsedBody(request: InboundRequest): unknown {
  if (request.rawBody.trim() === '') return {};
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    const fields: Record<string, string> = {};
    for (const [name, value] of new URLSearchParams(request.rawBody)) {
      if (name === '__proto__' || name === 'constructor' || name === 'prototype') continue;
      fields[name] = value;
    }
    return fields;
  }
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return parseJsonBody(request.rawBody) ?? {};
    } catch {
      return request.rawBody;
    }
  }
  return request.rawBody;
}
