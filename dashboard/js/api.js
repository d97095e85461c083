// The admin API as the dashboard uses it. The admin token lives in sessionStorage only: it is gone
// when the tab closes, and the page's Content-Security-Policy keeps it from being sent elsewhere.

const tokenKey = 'connxt.adminToken';

export class ApiError extends Error {
  constructor(status, envelope) {
    super(envelope?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = envelope?.code;
    this.errors = envelope?.errors ?? [];
  }

  /** The message with its field errors, as one line for a toast or a form. */
  describe() {
    const fields = this.errors.map((e) => `${e.field}: ${e.message}`);
    return fields.length > 0 ? `${this.message} — ${fields.join('; ')}` : this.message;
  }
}

export const session = {
  token: () => sessionStorage.getItem(tokenKey),
  signIn: (token) => sessionStorage.setItem(tokenKey, token),
  signOut: () => sessionStorage.removeItem(tokenKey),
};

/** Called when the admin API says the token is not (or no longer) valid. */
let onUnauthenticated = () => undefined;
export function whenUnauthenticated(handler) {
  onUnauthenticated = handler;
}

/** One admin API call; answers the envelope's `data`, or throws ApiError. */
export async function api(method, path, body, { token = session.token(), idempotencyKey } = {}) {
  const headers = { authorization: `Bearer ${token ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
  const response = await fetch(`/admin/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const envelope = await response.json().catch(() => undefined);
  if (response.status === 401 && token === session.token()) onUnauthenticated();
  if (!response.ok) throw new ApiError(response.status, envelope);
  return envelope.data;
}

/** The API of one environment, as its own secret token would see it (routes under the admin scope). */
export function envApi(environmentId) {
  const base = `/environments/${encodeURIComponent(environmentId)}`;
  return (method, path, body, options) => api(method, `${base}${path}`, body, options);
}

/** A query string from the filled-in fields only. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(name, value);
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
