import type { FieldError } from '../errors.js';
import { compileValidator } from '../validation.js';

export interface CreateTransactionInput {
  flowActionId: string;
  flowTargetId: string;
  pspId: string;
  transactionType?: string;
  txnCurrency: string;
  txnAmount: number | string;
  executePayload: { body: Record<string, unknown> } & Record<string, unknown>;
  /** REFUND only: the deposit it gives money back for. */
  parentTxnId?: string;
}

/** spec/001 step 3. Amount and currency are checked by parseAmount, the body by the definition's inputSchema. */
export const createTransactionSchema = {
  type: 'object',
  required: ['flowActionId', 'flowTargetId', 'pspId', 'txnCurrency', 'txnAmount', 'executePayload'],
  properties: {
    flowActionId: { type: 'string', minLength: 1, maxLength: 64 },
    flowTargetId: { type: 'string', minLength: 1, maxLength: 64 },
    pspId: { type: 'string', minLength: 1, maxLength: 64 },
    transactionType: { type: 'string', minLength: 1, maxLength: 32 },
    parentTxnId: { type: 'string', minLength: 1, maxLength: 64 },
    // Descriptions only: parseAmount checks both and says what is wrong in its own words.
    txnCurrency: { description: 'ISO 4217 code, e.g. "USD".' },
    txnAmount: { description: 'A number or a decimal string, with at most the currency\'s decimals, e.g. 200 or "12.50".' },
    executePayload: {
      type: 'object',
      required: ['body'],
      properties: { body: { type: 'object' } },
    },
    // Set from X-SECRET-TOKEN; accepted and ignored, as spec/001 says clients need not send them.
    brandId: { description: 'Ignored: set from the token.' },
    environmentId: { description: 'Ignored: set from the token.' },
  },
} as const;

export const checkCreateTransactionShape = compileValidator(createTransactionSchema);

/** The `transactionType` words each action accepts (case-insensitive); absent means "the action's". */
const transactionTypes: Record<string, readonly string[]> = {
  DEPOSIT: ['deposit'],
  WITHDRAW: ['withdrawal', 'withdraw'],
  REFUND: ['refund'],
};

export function checkTransactionType(actionName: string, given: string | undefined, errors: FieldError[]): string | null {
  const accepted = transactionTypes[actionName] ?? [];
  if (given === undefined) return accepted[0] ?? null;
  if (!accepted.includes(given.toLowerCase())) {
    errors.push({ field: 'transactionType', message: `must be "${accepted[0]}" for a ${actionName} action` });
  }
  return given.toLowerCase();
}

/** `executePayload.body.order.id` and `.customer.id`, as strings, when the merchant sent them. */
export function orderAndCustomer(body: Record<string, unknown>, errors: FieldError[]): { orderId: string | null; customerId: string | null } {
  return {
    orderId: idAt(body, 'order', 'executePayload.body.order.id', errors),
    customerId: idAt(body, 'customer', 'executePayload.body.customer.id', errors),
  };
}

function idAt(body: Record<string, unknown>, key: string, field: string, errors: FieldError[]): string | null {
  const holder = body[key];
  if (typeof holder !== 'object' || holder === null) return null;
  const id = (holder as Record<string, unknown>).id;
  if (id === undefined || id === null) return null;
  if ((typeof id === 'string' && id.trim() !== '' && id.length <= 128) || (typeof id === 'number' && Number.isSafeInteger(id))) {
    return String(id);
  }
  errors.push({ field, message: 'must be a non-empty string of at most 128 characters' });
  return null;
}
