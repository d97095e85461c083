import type { CatalogService } from '../catalog/catalog-service.js';
import type { Clock } from '../clock.js';
import type { FlowExecutor } from '../flows/flow-executor.js';
import { isTransactionId } from '../ids.js';
import { soonCheckDelayMs, uncheckedStatuses } from '../jobs/check-schedule.js';
import type { Logger } from '../logger.js';
import type { EngineMetrics } from '../metrics/engine-metrics.js';
import type { CredentialCipher } from '../psps/credential-cipher.js';
import type { Queryable } from '../store/db.js';
import { runLaterStep } from '../transactions/later-step.js';
import { loadForStep, type LoadedTransaction } from '../transactions/step-context.js';
import type { StepOutcome } from '../transactions/step-outcome.js';
import { terminalStatuses, type TransactionStatus } from '../transactions/status.js';
import { recordCallback, settleCallback, type CallbackSettlement, type EarlierCopy } from './callback-store.js';
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
  /** The status changes a callback applies are counted here. */
  metrics: Pick<EngineMetrics, 'transactions'>;
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
    const { db, clock, tokens } = this.#deps;
    // The same answer for an unknown transaction and a wrong token: no oracle for either, and
    // nothing stored for either, so a stranger cannot fill the table.
    if (!isTransactionId(transactionId) || !tokens.verify(kind === 'redirect' ? 'r' : 'w', transactionId, token)) return { kind: 'not_found' };
    const loaded = await loadForStep(this.#deps, transactionId);
    if (loaded === undefined) return { kind: 'not_found' };
    const log = this.#deps.logger.child({ txnId: transactionId });

    // Stored before it runs, so that an event is on record even if this process dies running it.
    const now = clock.now();
    const recorded = await recordCallback(db, {
      transactionId,
      kind,
      request,
      redactor: loaded.psp.redactor,
      now,
      checkBy: new Date(now.getTime() + soonCheckDelayMs),
      unchecked: uncheckedStatuses,
    });
    if (recorded.earlier !== undefined) {
      log.info({ callback: kind, callbackId: recorded.id, earlier: recorded.earlier.state }, 'duplicate callback not run again');
      return duplicateAnswer(kind, recorded.earlier, loaded);
    }

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
    const result = await runLaterStep({ ...this.#deps, logger: log }, loaded, kind, data, kind);
    const answer =
      kind === 'webhook'
        ? webhookAnswer(result.outcome)
        : redirectAnswer(scriptRedirect(result.report.value) ?? merchantUrl(loaded, result.status), transactionId, result.status);
    const unapplied = result.outcome.kind === 'refused' || result.outcome.kind === 'broken';
    await settleCallback(db, {
      callbackId: recorded.id,
      transactionId,
      state: callbackState(result.outcome),
      detail: detailOf(result.outcome),
      answerStatus: answerStatus(answer),
      now: clock.now(),
      // The PSP's word could not be applied (forged, garbled, or our script broke): ask the PSP itself.
      checkBy: unapplied ? new Date(clock.now().getTime() + soonCheckDelayMs) : undefined,
      unchecked: uncheckedStatuses,
    });
    log.info(
      { callback: kind, callbackId: recorded.id, outcome: result.outcome.kind, status: result.status, moved: result.moved, scriptMs: result.report.durationMs },
      'callback processed',
    );
    return answer;
  }
}

/**
 * A repeat of an event already handled is answered as the first copy was, without running it: a
 * webhook the PSP sends again (it missed our 200) hears 200 again, a refused one the same refusal,
 * and a payer reloading the return page goes where the transaction now stands.
 */
function duplicateAnswer(kind: CallbackKind, earlier: EarlierCopy, loaded: LoadedTransaction): CallbackAnswer {
  if (kind === 'redirect') return redirectAnswer(merchantUrl(loaded, loaded.status), loaded.transaction.id, loaded.status);
  if (earlier.state === 'rejected') {
    return webhookAnswer({ kind: 'refused', httpStatus: earlier.answerStatus ?? 400, message: earlier.detail ?? 'the event was refused' });
  }
  return webhookAnswer({ kind: 'succeeded', pspTxnId: undefined, message: undefined });
}

function redirectAnswer(location: string | undefined, transactionId: string, status: TransactionStatus): CallbackAnswer {
  if (location !== undefined) return { kind: 'redirect', location };
  return { kind: 'html', httpStatus: 200, html: statusPage(transactionId, status) };
}

function callbackState(outcome: StepOutcome): CallbackSettlement['state'] {
  switch (outcome.kind) {
    case 'refused':
      return 'rejected';
    case 'broken':
      return 'failed';
    default:
      return 'processed';
  }
}

function detailOf(outcome: StepOutcome): string | null {
  return outcome.kind === 'refused' || outcome.kind === 'broken' ? outcome.message : (outcome.message ?? null);
}

function answerStatus(answer: CallbackAnswer): number {
  switch (answer.kind) {
    case 'redirect':
      return 302;
    case 'not_found':
      return 404;
    default:
      return answer.httpStatus;
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
function merchantUrl(loaded: LoadedTransaction, status: TransactionStatus): string | undefined {
  const { psp, transaction } = loaded;
  const base = failedStatuses.has(status) ? psp.failureRedirectUrl : psp.successRedirectUrl;
  if (base === null) return undefined;
  const url = new URL(base);
  url.searchParams.set('txnId', transaction.id);
  if (transaction.orderId !== null) url.searchParams.set('orderId', transaction.orderId);
  url.searchParams.set('status', status);
  url.searchParams.set('final', String(terminalStatuses.has(status)));
  return url.href;
}
