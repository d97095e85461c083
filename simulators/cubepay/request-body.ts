import { isIP } from 'node:net';
import { CubePayError, invalid, type FieldProblem } from './errors.js';
import { parseAmount, type Money } from './money.js';
import type { CustomerInfo } from './transactions.js';

/**
 * Reads 004's request bodies, `{"request": {...}}`. Which fields are required is not public:
 * modeled as the ones every 004 example carries and a payment cannot do without. Problems name
 * the field, never its value (it may be a card number).
 */
export interface CommonRequest {
  mode: 'test' | 'live';
  userId: string;
  trackingId: string;
  ip: string | null;
  amount: Money;
  customer: CustomerInfo;
  /** Modeled: 004 shows `settings: {}`; the simulator reads `webhook_url` and `return_url` there. */
  webhookUrl: string | null;
  returnUrl: string | null;
  raw: Record<string, unknown>;
}

export interface CardDetails {
  holderName: string;
  /** Digits only; used for the decision and masked at once, never stored. */
  number: string;
  expMonth: number;
  expYear: number;
}

type Fields = Record<string, unknown>;

const isRecord = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The `request` object of the body, with the fields every product shares. */
export function readCommonRequest(body: unknown): CommonRequest {
  const request = isRecord(body) ? body.request : undefined;
  if (!isRecord(request)) throw invalid([{ field: 'request', message: 'the body must be {"request": {...}}' }]);
  const trackingId = request.tracking_id;
  if (trackingId === undefined || trackingId === null || trackingId === '') throw new CubePayError(1089);

  const problems: FieldProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ field: `request.${field}`, message });
  if (typeof trackingId !== 'string' || trackingId.length > 128) problem('tracking_id', 'must be a string of at most 128 characters');
  if (request.mode !== 'test' && request.mode !== 'live') problem('mode', 'must be "test" or "live"');
  const userId = idText(request.user_id);
  if (userId === undefined) problem('user_id', 'must be a non-empty string or integer of at most 64 characters');
  const ip = request.ip;
  if (ip !== undefined && ip !== null && (typeof ip !== 'string' || isIP(ip) === 0)) problem('ip', 'must be an IPv4 or IPv6 address');
  const currency = request.currency;
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) problem('currency', 'must be an ISO 4217 code such as "EUR"');
  const amount = parseAmount(request.amount, typeof currency === 'string' ? currency : '');
  if (!amount.ok) problem('amount', amount.message);
  const customer = readCustomer(request.customer, problem);
  const settings = request.settings ?? {};
  if (!isRecord(settings)) problem('settings', 'must be an object');
  const webhookUrl = isRecord(settings) ? settings.webhook_url : undefined;
  const returnUrl = isRecord(settings) ? settings.return_url : undefined;
  if (returnUrl !== undefined && returnUrl !== null && !isHttpUrl(returnUrl)) problem('settings.return_url', 'must be an http(s) URL');
  if (problems.length > 0) throw invalid(problems);
  // 004's 1229 "Your Webhook URL is not available" is the closest documented answer to a bad one.
  if (webhookUrl !== undefined && webhookUrl !== null && !isHttpUrl(webhookUrl)) throw new CubePayError(1229);

  return {
    mode: request.mode as 'test' | 'live',
    userId: userId!,
    trackingId: trackingId as string,
    ip: typeof ip === 'string' ? ip : null,
    amount: { minor: (amount as { minor: number }).minor, currency: currency as string },
    customer: customer!,
    webhookUrl: typeof webhookUrl === 'string' ? webhookUrl : null,
    returnUrl: typeof returnUrl === 'string' ? returnUrl : null,
    raw: request,
  };
}

/** A positive integer id such as provider_id or routing_id (004 sends them as numbers). */
export function readIdField(request: Fields, name: string): number {
  const value = request[name];
  const id = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) throw invalid([{ field: `request.${name}`, message: 'must be a positive integer' }]);
  return id;
}

export function readOptionalBoolean(request: Fields, name: string, fallback: boolean): boolean {
  const value = request[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw invalid([{ field: `request.${name}`, message: 'must be true or false' }]);
  return value;
}

/** `card_details` of an S2S payment. The CVC is checked for shape and then forgotten. */
export function readCardDetails(request: Fields): CardDetails {
  const card = request.card_details;
  if (!isRecord(card)) throw invalid([{ field: 'request.card_details', message: 'is required' }]);
  const problems: FieldProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ field: `request.card_details.${field}`, message });
  const holderName = card.holder_name;
  if (typeof holderName !== 'string' || holderName.trim() === '' || holderName.length > 100) problem('holder_name', 'must be a non-empty string');
  const number = typeof card.card_number === 'string' ? card.card_number.replace(/[ -]/g, '') : undefined;
  if (number === undefined || !/^\d{12,19}$/.test(number)) problem('card_number', 'must be 12 to 19 digits');
  if (typeof card.cvc !== 'string' || !/^\d{3,4}$/.test(card.cvc)) problem('cvc', 'must be 3 or 4 digits');
  const expMonth = Number(typeof card.exp_month === 'string' || typeof card.exp_month === 'number' ? card.exp_month : NaN);
  if (!Number.isInteger(expMonth) || expMonth < 1 || expMonth > 12) problem('exp_month', 'must be a month, "01" to "12"');
  const yearText = typeof card.exp_year === 'string' || typeof card.exp_year === 'number' ? String(card.exp_year) : '';
  if (!/^\d{4}$/.test(yearText)) problem('exp_year', 'must be a four-digit year');
  if (problems.length > 0) throw invalid(problems);
  return { holderName: (holderName as string).trim(), number: number!, expMonth, expYear: Number(yearText) };
}

function readCustomer(value: unknown, problem: (field: string, message: string) => void): CustomerInfo | undefined {
  if (!isRecord(value)) {
    problem('customer', 'is required');
    return undefined;
  }
  const text = (name: string, max = 100): string | undefined => {
    const field = value[name];
    if (typeof field !== 'string' || field.trim() === '' || field.length > max) {
      problem(`customer.${name}`, `must be a non-empty string of at most ${max} characters`);
      return undefined;
    }
    return field.trim();
  };
  const optional = (name: string): string | null => (typeof value[name] === 'string' ? (value[name] as string).slice(0, 100) : null);
  const firstName = text('first_name');
  const lastName = text('last_name');
  const email = text('email', 254);
  if (email !== undefined && !emailPattern.test(email)) problem('customer.email', 'must be an e-mail address');
  const country = value.country_code;
  if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country)) problem('customer.country_code', 'must be an ISO 3166 alpha-2 code such as "GB"');
  return {
    first_name: firstName ?? '',
    last_name: lastName ?? '',
    email: email ?? '',
    country_code: typeof country === 'string' ? country : '',
    dob: optional('dob'),
    kyc_status: optional('kyc_status'),
    city: optional('city'),
  };
}

function idText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '' && value.length <= 64) return value;
  return undefined;
}

export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
