/**
 * What the conformance suite needs to know about one gateway. The suite (conformance.test.ts)
 * runs the same scenario list for every driver, through the real engine and the gateway's
 * simulator over real HTTP; a driver only says how to talk to that gateway's test data, hosted
 * pages and control API. Drivers may import simulator *test conventions* (documented in the
 * simulator's README) but never connector code.
 */
export interface SimulatorClient {
  /** e.g. http://127.0.0.1:41234/connectpsp — the simulator's mount, API paths hang off it. */
  readonly baseUrl: string;
  /** Calls the simulator (control API or gateway API) and returns the parsed JSON body; throws on non-2xx. */
  call<T = unknown>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
}

/** The body of POST /connxt/v2/transactions minus pspId/flowActionId/flowTargetId, which the suite fills. */
export interface TransactionRequest {
  txnAmount: string;
  txnCurrency: string;
  executePayload: { body: Record<string, unknown> };
  /** REFUND only: the deposit being refunded. */
  parentTxnId?: string;
}

/** A transaction as the suite knows it when it asks a driver for something. */
export interface KnownTransaction {
  id: string;
  pspTxnId: string | null;
  amount: string;
  currency: string;
  /** navigation.value from the create response, when there was one. */
  navigationUrl: string | undefined;
  /** The whole create response body, for drivers that need more (e.g. PIX copy-and-paste in html navigation). */
  createResponse: Record<string, unknown>;
}

/** The `data` of a create (or approve) answer, as far as drivers need it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CreateAnswerData = Record<string, any>;

/** What a driver is told about a transaction, from the answer that created (or approved) it. */
export function knownTransaction(data: CreateAnswerData, request: TransactionRequest): KnownTransaction & { status: string } {
  const navigation = data.data?.data?.navigation;
  return {
    id: data.txnId,
    status: data.status,
    pspTxnId: data.pspTxnId ?? data.data?.data?.pspTxnId ?? null,
    amount: request.txnAmount,
    currency: request.txnCurrency,
    navigationUrl: navigation?.contentType === 'url' ? navigation.value : undefined,
    createResponse: data,
  };
}

export interface ForgedWebhook {
  /** Lower-case header names; content-type included. */
  headers: Record<string, string>;
  body: string;
}

export interface GatewayDriver {
  /** The simulator's mount name (`connectpsp`, `cubepay`, `sticpay`, `paymaxis`). */
  readonly name: string;
  /** The connector's flow target id (connectors/<name>/manifest.json). */
  readonly targetId: string;
  /** Actions this connector supports, of DEPOSIT, WITHDRAW, REFUND. */
  readonly actions: readonly ('DEPOSIT' | 'WITHDRAW' | 'REFUND')[];
  /**
   * Whether the gateway refunds part of a deposit (PSP-FACTS.md). A full-only connector must
   * refuse a partial amount itself, clearly and without calling the gateway.
   */
  readonly partialRefunds: boolean;
  /**
   * The gateway API route that `initiate` of a deposit calls first to create the payment, as the
   * simulator's fault plan names routes ("POST /cash-in"); the suite injects 5xx and timeouts on it.
   * For a gateway that needs a token call first, that call is not this route.
   */
  readonly depositCreateRoute: string;
  /** The route that `initiate` of a withdrawal calls to create the payout. */
  readonly withdrawalCreateRoute: string;
  /** The route that asks the gateway for a refund; undefined for a connector without refunds. */
  readonly refundRoute: string | undefined;

  /** A fresh merchant account on the simulator, returned as the connector's credential object. */
  credential(sim: SimulatorClient): Promise<Record<string, unknown>>;

  /** A deposit that goes to a hosted page (or QR) where the payer decides. */
  depositRequest(): TransactionRequest;
  /** A deposit the gateway declines straight away (test data), if the gateway has such data; else undefined. */
  declinedDepositRequest(): TransactionRequest | undefined;
  withdrawalRequest(): TransactionRequest;
  /** A full refund of `parent`. */
  refundRequest(parent: KnownTransaction): TransactionRequest;

  /**
   * As the payer: from the create response, reach the hosted page and press Pay or Decline,
   * following redirects back to the engine's redirect callback. Resolves once the payer's last
   * page has loaded.
   */
  payer(tx: KnownTransaction, decision: 'pay' | 'decline', sim: SimulatorClient): Promise<void>;
  /** As the gateway's back office: settle a pending deposit without the payer (control API), which sends the webhook. */
  settleDeposit(tx: KnownTransaction, sim: SimulatorClient): Promise<void>;
  /** Make a pending withdrawal complete on the gateway (control API), which sends the webhook. */
  settleWithdrawal(tx: KnownTransaction, sim: SimulatorClient): Promise<void>;
  /** Make a pending refund complete, if refunds are asynchronous on this gateway; else resolve at once. */
  settleRefund(tx: KnownTransaction, sim: SimulatorClient): Promise<void>;

  /**
   * A webhook in the gateway's exact format claiming that `tx` succeeded, with a wrong signature
   * (signed with another key). Posted by the suite to the transaction's webhook callback URL.
   */
  forgedSuccessWebhook(tx: KnownTransaction): ForgedWebhook;
}
