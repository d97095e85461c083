import { transactionStatuses } from '../../transactions/status.js';
import { nullableString, resourceTime } from './common-schemas.js';

/** Transactions as src/transactions/transaction-view.ts and transaction-response.ts answer them. */

export const transactionStatus = { type: 'string', enum: transactionStatuses } as const;

/** Exact decimal strings in the currency's precision, never floats. */
const amount = { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$', examples: ['200.00'] } as const;

const transactionProperties = {
  txnId: { type: 'string', examples: ['ortxggdqGELpiuCQ'] },
  status: transactionStatus,
  action: { type: 'string', enum: ['DEPOSIT', 'WITHDRAW', 'REFUND'] },
  transactionType: nullableString,
  txnAmount: amount,
  txnCurrency: { type: 'string', examples: ['USD'] },
  orderId: { ...nullableString, description: '`executePayload.body.order.id`.' },
  customerId: { ...nullableString, description: '`executePayload.body.customer.id`.' },
  pspId: { type: 'string' },
  pspTxnId: { ...nullableString, description: 'The gateway\'s own id, once it gave one.' },
  parentTxnId: { ...nullableString, description: 'A refund\'s deposit.' },
  flowActionId: { type: 'string' },
  flowTargetId: { type: 'string' },
  flowDefinitionId: { type: 'string' },
  definitionVersion: { type: 'integer', description: 'The script version this transaction runs, fixed at creation.' },
  brandId: { type: 'string' },
  environmentId: { type: 'string' },
  createdAt: resourceTime,
  updatedAt: resourceTime,
} as const;

export const transaction = { type: 'object', required: Object.keys(transactionProperties), properties: transactionProperties } as const;

const historyEntry = {
  type: 'object',
  required: ['seq', 'fromStatus', 'status', 'cause', 'detail', 'createdAt'],
  properties: {
    seq: { type: 'integer' },
    fromStatus: { anyOf: [transactionStatus, { type: 'null' }] },
    status: transactionStatus,
    cause: { type: 'string', description: 'What moved it: the API call, a webhook, a redirect, reconciliation, an operator.' },
    detail: nullableString,
    createdAt: resourceTime,
  },
} as const;

const refunds = {
  type: 'object',
  description: 'Deposits only: what has been given back, what refunds under way hold, and what could be refunded now.',
  required: ['refundedAmount', 'pendingAmount', 'refundableAmount', 'items'],
  properties: {
    refundedAmount: amount,
    pendingAmount: amount,
    refundableAmount: amount,
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['txnId', 'status', 'txnAmount', 'createdAt'],
        properties: { txnId: { type: 'string' }, status: transactionStatus, txnAmount: amount, createdAt: resourceTime },
      },
    },
  },
} as const;

/** GET /transactions/{id}: the transaction, its whole status history, and a deposit's refunds. */
export const transactionDetail = {
  type: 'object',
  required: [...Object.keys(transactionProperties), 'history'],
  properties: { ...transactionProperties, refunds, history: { type: 'array', items: historyEntry } },
} as const;

/** `meta` of a script run, redacted: its log lines and HTTP calls, keyed "0", "1", … */
const scriptMeta = {
  type: 'object',
  required: ['logs', 'http'],
  properties: {
    logs: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: { level: { type: 'string' }, message: { type: 'string' }, timestamp: { type: 'string' } },
      },
    },
    http: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: {
          request: { type: 'object', description: '`{url, method, headers, data}`, credentials masked.' },
          response: { type: ['object', 'null'], description: '`{status, headers, data}`; null when the call got no answer.' },
          error: { type: 'string' },
          duration: { type: 'number' },
        },
      },
    },
  },
} as const;

const navigation = {
  type: 'object',
  required: ['type', 'contentType', 'value'],
  properties: {
    type: { type: 'string', enum: ['redirect', 'iframe'] },
    contentType: { type: 'string', enum: ['url', 'html'] },
    value: { type: 'string', description: 'Where to send the payer (a URL), or the HTML to show.' },
  },
} as const;

const redirectAnswer = {
  title: 'Payer must be sent somewhere',
  type: 'object',
  required: ['success', 'data', 'error', 'meta'],
  properties: {
    success: { type: 'boolean', enum: [true] },
    data: {
      type: 'object',
      required: ['__type', 'data'],
      properties: {
        __type: { type: 'string', enum: ['success'] },
        data: {
          type: 'object',
          required: ['navigation'],
          properties: { navigation, orderId: { type: 'string' }, userId: { type: 'string' }, status: { type: 'string' } },
          description: 'What the script returned, with `navigation`.',
        },
      },
    },
    error: { type: 'null' },
    meta: scriptMeta,
    txnId: { type: 'string', description: 'Not in spec/001\'s example; the engine adds it.' },
    status: { ...transactionStatus, description: 'Not in spec/001\'s example; the engine adds it.' },
  },
} as const;

const directAnswer = {
  title: 'Direct outcome',
  type: 'object',
  required: ['txnId', 'status'],
  properties: {
    txnId: { type: 'string' },
    status: transactionStatus,
    pspTxnId: nullableString,
    orderId: nullableString,
    txnAmount: amount,
    txnCurrency: { type: 'string' },
    message: nullableString,
    error: { type: ['object', 'null'], properties: { message: { type: 'string' } } },
    meta: scriptMeta,
  },
} as const;

/** POST /transactions and approve (spec/001 step 3): a redirect for the payer, or the outcome. */
export const createdTransaction = { anyOf: [redirectAnswer, directAnswer] } as const;

/** GET /admin/v1/environments/{environmentId}/transactions/{id}/steps. */
export const transactionSteps = {
  type: 'object',
  required: ['txnId', 'steps'],
  properties: {
    txnId: { type: 'string' },
    steps: {
      type: 'array',
      description: 'Every script step run against the transaction, oldest first.',
      items: {
        type: 'object',
        required: ['step', 'definitionVersion', 'ok', 'failure', 'result', 'logs', 'http', 'durationMs', 'createdAt', 'afterHistorySeq'],
        properties: {
          step: { type: 'string', examples: ['initiate'] },
          definitionVersion: { type: 'integer' },
          ok: { type: 'boolean' },
          failure: { type: ['object', 'null'], properties: { kind: { type: 'string' }, message: nullableString } },
          result: { description: 'What the step returned.' },
          logs: { description: 'The run\'s log lines, redacted.' },
          http: { type: 'object', description: 'The run\'s HTTP calls, redacted.' },
          durationMs: { type: 'number' },
          createdAt: resourceTime,
          afterHistorySeq: {
            type: 'integer',
            minimum: 0,
            description: 'The `seq` of the last status change written before this run (0: none): the run caused the changes after it.',
          },
        },
      },
    },
  },
} as const;
