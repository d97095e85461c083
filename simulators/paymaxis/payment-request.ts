import type { FastifyRequest } from 'fastify';
import { type FieldProblem, PaymaxisError } from './errors.js';
import { topLevelLiteral } from './json-body.js';
import { currencyExponent, minorUnitsFromLiteral } from './money.js';

export const paymentTypes = ['DEPOSIT', 'WITHDRAWAL', 'REFUND'] as const;
export type PaymentType = (typeof paymentTypes)[number];

/** The simulated shop has cards only; other Paymaxis methods are "not enabled for this shop". */
export const enabledPaymentMethods = ['BASIC_CARD'] as const;

type Flat = Record<string, string | number | boolean>;

/** POST /api/v1/payments, checked field by field. */
export interface PaymentRequest {
  paymentType: PaymentType;
  currency: string;
  exponent: number;
  /** Absent only for a refund, which then refunds what is left of the deposit. */
  amountMinor: bigint | undefined;
  paymentMethod: string;
  referenceId: string | undefined;
  description: string | undefined;
  parentPaymentId: string | undefined;
  returnUrl: string | undefined;
  webhookUrl: string | undefined;
  customer: Flat | undefined;
  billingAddress: Flat | undefined;
}

/** Reads the body, or throws 400 with one entry per bad field. */
export function readPaymentRequest(request: FastifyRequest): PaymentRequest {
  const body = request.body;
  if (!isRecord(body)) throw PaymaxisError.badRequest('Request body must be a JSON object');
  const problems: FieldProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ field, message });

  const paymentType = paymentTypes.find((t) => t === body.paymentType);
  if (paymentType === undefined) problem('paymentType', `must be one of ${paymentTypes.join(', ')}`);

  const currency = typeof body.currency === 'string' ? body.currency : undefined;
  const exponent = currency === undefined ? undefined : currencyExponent(currency);
  if (currency === undefined) problem('currency', 'is required');
  else if (exponent === undefined) problem('currency', `${currency} is not supported`);

  let amountMinor: bigint | undefined;
  if (body.amount === undefined || body.amount === null) {
    if (paymentType !== 'REFUND') problem('amount', 'is required');
  } else if (typeof body.amount !== 'number') {
    problem('amount', 'must be a number');
  } else if (exponent !== undefined) {
    const reading = minorUnitsFromLiteral(topLevelLiteral(request, 'amount') ?? String(body.amount), exponent);
    if (reading.ok) amountMinor = reading.minor;
    else problem('amount', reading.message);
  }

  const paymentMethod = optionalString(body, 'paymentMethod', problem, 64) ?? 'BASIC_CARD';
  if (paymentType !== 'REFUND' && !enabledPaymentMethods.some((m) => m === paymentMethod)) {
    problem('paymentMethod', `${paymentMethod} is not enabled for this shop`);
  }
  const referenceId = optionalString(body, 'referenceId', problem, 255);
  const description = optionalString(body, 'description', problem, 1024);
  const parentPaymentId = optionalString(body, 'parentPaymentId', problem, 64);
  if (paymentType === 'REFUND' && parentPaymentId === undefined) problem('parentPaymentId', 'is required for a refund');
  const returnUrl = optionalUrl(body, 'returnUrl', problem);
  const webhookUrl = optionalUrl(body, 'webhookUrl', problem);
  const customer = optionalFlatObject(body, 'customer', problem);
  if (paymentType === 'WITHDRAWAL' && typeof customer?.referenceId !== 'string') {
    // Modeled: a card payout goes to the card the customer deposited with, found by this id.
    problem('customer.referenceId', 'is required for a withdrawal');
  }
  const billingAddress = optionalFlatObject(body, 'billingAddress', problem);
  const country = billingAddress?.countryCode;
  if (country !== undefined && (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country))) {
    problem('billingAddress.countryCode', 'must be a 2-letter ISO 3166-1 code');
  }

  if (problems.length > 0 || paymentType === undefined || currency === undefined || exponent === undefined) {
    throw PaymaxisError.badRequest('Validation failed', problems);
  }
  return {
    paymentType, currency, exponent, amountMinor, paymentMethod, referenceId, description,
    parentPaymentId, returnUrl, webhookUrl, customer, billingAddress,
  };
}

type Problem = (field: string, message: string) => void;

function optionalString(body: Record<string, unknown>, field: string, problem: Problem, maxLength: number): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') problem(field, 'must be a non-empty string');
  else if (value.length > maxLength) problem(field, `must be at most ${maxLength} characters`);
  else return value;
  return undefined;
}

function optionalUrl(body: Record<string, unknown>, field: string, problem: Problem): string | undefined {
  const value = optionalString(body, field, problem, 2048);
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol === 'https:' || url.protocol === 'http:') return value;
  } catch {
    // reported below
  }
  problem(field, 'must be an absolute http(s) URL');
  return undefined;
}

/** customer and billingAddress: objects of plain values, echoed back in the payment. */
function optionalFlatObject(body: Record<string, unknown>, field: string, problem: Problem): Flat | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    problem(field, 'must be an object');
    return undefined;
  }
  const flat = Object.create(null) as Flat;
  for (const [key, inner] of Object.entries(value)) {
    if (inner === null || inner === undefined) continue;
    if (typeof inner === 'string' || typeof inner === 'number' || typeof inner === 'boolean') flat[key] = inner;
    else problem(`${field}.${key}`, 'must be a string, number or boolean');
  }
  return flat;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
