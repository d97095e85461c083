import type { FieldError } from '../errors.js';
import { parseAmount, type Money } from '../money/amount.js';

/**
 * An environment's `withdrawalAutoApproveLimits`: currency → decimal amount string
 * (`{"BRL": "500.00"}`). A withdrawal below its currency's limit runs at once; every other one,
 * and every one in a currency without a limit, waits for an operator. `{}` (the default) means
 * every withdrawal waits.
 */
export type ApprovalLimits = Readonly<Record<string, string>>;

/** The request shape; amounts are then checked per currency by normalizeApprovalLimits. */
export const approvalLimitsSchema = {
  type: 'object',
  maxProperties: 200,
  propertyNames: { pattern: '^[A-Z]{3}$' },
  additionalProperties: { type: 'string', minLength: 1, maxLength: 40 },
} as const;

/**
 * The limits as stored: each amount checked against its currency's ISO 4217 precision and
 * written with exactly that many digits ("500" BRL → "500.00"), so reads show what applies.
 */
export function normalizeApprovalLimits(limits: Record<string, string>, field = 'withdrawalAutoApproveLimits'): { limits: ApprovalLimits; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const normalized: Record<string, string> = {};
  for (const [currency, amount] of Object.entries(limits)) {
    const parsed = parseAmount(amount, currency);
    if (parsed.ok) normalized[currency] = parsed.money.decimal;
    else errors.push({ field: `${field}.${currency}`, message: parsed.message });
  }
  return { limits: normalized, errors };
}

/** True when a withdrawal of `money` must wait for an operator: not strictly below its currency's limit. */
export function needsApproval(limits: ApprovalLimits, money: Money): boolean {
  const limit = limits[money.currency];
  if (limit === undefined) return true;
  const parsed = parseAmount(limit, money.currency);
  // A stored limit that no longer parses (a currency withdrawn from ISO 4217) approves nothing.
  if (!parsed.ok) return true;
  return BigInt(money.minor) >= BigInt(parsed.money.minor);
}
