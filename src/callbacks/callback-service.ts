import type { CatalogService } from '../catalog/catalog-service.js';
import type { Clock } from '../clock.js';
import type { FlowExecutor } from '../flows/flow-executor.js';
import { isTransactionId } from '../ids.js';
import type { Logger } from '../logger.js';
import type { CredentialCipher } from '../psps/credential-cipher.js';
import type { Queryable } from '../store/db.js';
import { runLaterStep } from '../transactions/later-step.js';
import { loadForStep } from '../transactions/step-context.js';
import type { StepOutcome } from '../transactions/step-outcome.js';
import { terminalStatuses, type TransactionStatus } from '../transactions/status.js';
import type { CallbackTokens } from './callback-tokens.js';
import { parsedBody, type InboundRequest } from './inbound-request.js';
import { statusPage } from './status-page.js';

export type CallbackKind = 'redirect' | 'webhook';

/** What the HTTP layer sends back. */
export type CallbackAnswer =
  | { kind: 'not_found' }
  | { kind: 'json'; httpStatus: number; body: Record<string, unknown> }
  | { kind: 'redirect'; location: string }
  | { kind: 'html'; httpStatus: number; html: string };

export interface CallbackServiceDeps {
  db: Queryable;
  clock: Clock;
  logger: Logger;
  catalog: CatalogService;
  cipher: CredentialCipher;
  executor: FlowExecutor;
  tokens: CallbackTokens;
}

/**
 * Payer redirects (`r`) and PSP webhooks (`w`): public, unauthenticated, so the URL's token is the
 * proof that the caller got the URL from us. The definition's step decides what the event means;
 * only an explicit final answer moves the transaction (runLaterStep).
 */
export class CallbackService {
  readonly #deps: CallbackServiceDeps;

  constructor(deps: CallbackServiceDeps) {
    this.#deps = deps;
  }

  async handle(kind: CallbackKind, transactionId: string, token: string, request: InboundRequest): Promise<CallbackAnswer> {
    const { tokens, logger } = this.#deps;
    // The same answer for an unknown transaction and a wrong token: no oracle for either.
    if (!isTransactionId(transactionId) || !tokens.verify(transactionId, token)) return { kind: 'not_found' };
    const loaded = await loadForStep(this.#deps, transactionId);
    if (loaded === undefined) return { kind: 'not_found' };

    const data = {
      token,
      step: kind,
      tnxId: transactionId,
      method: request.method,
      headers: request.headers,
      query: request.query,
      body: parsedBody(request),
      rawBody: request.rawBody,
    };
    const result = await runLaterStep(this.#deps, loaded, kind, data, kind);
    logger.info(
      { transactionId, callback: kind, outcome: result.outcome.kind, status: result.status, moved: result.moved, scriptMs: result.report.durationMs },
      'callback processed',
    );
    if (kind === 'webhook') return webhookAnswer(result.outcome);

    const location = scriptRedirect(result.report.value) ?? merchantUrl(loaded.psp, transactionId, loaded.transaction.orderId, result.status);
    if (location !== undefined) return { kind: 'redirect', location };
    return { kind: 'html', httpStatus: 200, html: statusPage(transactionId, result.status) };
  }
}

function webhookAnswer(outcome: StepOutcome): CallbackAnswer {
  switch (outcome.kind) {
    case 'refused': {
      // The script refused the event (a bad signature, a malformed body): the PSP hears a 4xx.
      const status = outcome.httpStatus >= 400 && outcome.httpStatus < 500 ? outcome.httpStatus : 400;
      return { kind: 'json', httpStatus: status, body: { received: false, message: outcome.message } };
    }
    case 'broken':
      // Not processed (the script broke, or its status lookup failed): a 5xx makes the PSP retry.
      return { kind: 'json', httpStatus: 503, body: { received: false, message: 'the event could not be processed now; retry later' } };
    default:
      return { kind: 'json', httpStatus: 200, body: { received: true } };
  }
}

/** A `sdk.response.redirect(url)` from the redirect step: the script chose where the payer goes. */
function scriptRedirect(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const result = value as { __type?: unknown; url?: unknown };
  if (result.__type !== 'redirect' || typeof result.url !== 'string') return undefined;
  try {
    const url = new URL(result.url);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

const failedStatuses: ReadonlySet<TransactionStatus> = new Set(['FAILED', 'REJECTED', 'ABANDONED', 'CANCELLED', 'PG_FAILED', 'PG_REJECTED']);

/** The environment's success or failure URL, told which transaction and how it stands. */
function merchantUrl(
  psp: { successRedirectUrl: string | null; failureRedirectUrl: string | null },
  transactionId: string,
  orderId: string | null,
  status: TransactionStatus,
): string | undefined {
  const base = failedStatuses.has(status) ? psp.failureRedirectUrl : psp.successRedirectUrl;
  if (base === null) return undefined;
  const url = new URL(base);
  url.searchParams.set('txnId', transactionId);
  if (orderId !== null) url.searchParams.set('orderId', orderId);
  url.searchParams.set('status', status);
  url.searchParams.set('final', String(terminalStatuses.has(status)));
  return url.href;
}
