import type { StepName, StepReport } from '../flows/sandbox.js';
import type { TransactionStatus } from './status.js';

export interface Navigation {
  type: 'redirect' | 'iframe';
  contentType: 'url' | 'html';
  value: string;
}

/**
 * What a step run means for the transaction, whatever the script's wording. Declines and PSP
 * errors are data here, not exceptions.
 */
export type StepOutcome =
  /** The PSP took the transaction and its result is still to come (a pay page, a pending payout). */
  | { kind: 'accepted'; navigation: Navigation | undefined; pspTxnId: string | undefined; message: string | undefined }
  | { kind: 'succeeded'; pspTxnId: string | undefined; message: string | undefined }
  | { kind: 'failed'; pspTxnId: string | undefined; message: string | undefined }
  /** The step answered with sdk.response.failure: the PSP refused, or the script did. */
  | { kind: 'refused'; message: string; httpStatus: number }
  /** The script broke (error, timeout, memory, invalid result): the PSP's view is unknown. */
  | { kind: 'broken'; message: string; reachedServer: boolean };

type ResultStatus = 'SUCCESS' | 'FAILED' | 'PENDING';

const resultStatuses: Record<string, ResultStatus> = {
  success: 'SUCCESS',
  succeeded: 'SUCCESS',
  failed: 'FAILED',
  failure: 'FAILED',
  pending: 'PENDING',
};

/** Reads a step's report as PSP-FACTS.md describes step output, checking what the engine relies on. */
export function interpretStep(step: StepName, action: string, report: StepReport): StepOutcome {
  if (!report.ok || report.failure !== null) {
    return { kind: 'broken', message: report.failure?.message ?? 'the step failed', reachedServer: report.reachedServer };
  }
  const problem = (message: string): StepOutcome => ({
    kind: 'broken',
    message: `invalid ${step} result: ${message}`,
    reachedServer: report.reachedServer,
  });
  const result = report.value;
  if (!isRecord(result)) return problem('expected sdk.response.success, failure or redirect');
  switch (result.__type) {
    case 'failure': {
      const status = typeof result.status === 'number' && Number.isInteger(result.status) ? result.status : 400;
      const message = typeof result.message === 'string' && result.message !== '' ? result.message : 'the step failed';
      return { kind: 'refused', message, httpStatus: status };
    }
    case 'redirect': {
      if (typeof result.url !== 'string' || !isHttpUrl(result.url)) return problem('redirect url must be an http(s) URL');
      const data = isRecord(result.data) ? result.data : {};
      // A redirect answer from initiate is a pay page for the payer: accepted, result to come.
      if (step === 'initiate') {
        return { kind: 'accepted', navigation: { type: 'redirect', contentType: 'url', value: result.url }, pspTxnId: pspTxnIdOf(data), message: messageOf(data) };
      }
      return fromData(data, step, action, problem);
    }
    case 'success':
      if (!isRecord(result.data)) return problem('success data must be an object');
      return fromData(result.data, step, action, problem);
    default:
      return problem('expected sdk.response.success, failure or redirect');
  }
}

function fromData(
  data: Record<string, unknown>,
  step: StepName,
  action: string,
  problem: (message: string) => StepOutcome,
): StepOutcome {
  let navigation: Navigation | undefined;
  if (data.navigation !== undefined) {
    const checked = checkNavigation(data.navigation);
    if (typeof checked === 'string') return problem(checked);
    navigation = checked;
  }
  let status: ResultStatus | undefined;
  if (data.status !== undefined) {
    status = typeof data.status === 'string' ? resultStatuses[data.status.toLowerCase()] : undefined;
    if (status === undefined) return problem('status must be SUCCESS, FAILED or PENDING');
  }
  const pspTxnId = pspTxnIdOf(data);
  if (data.pspTxnId != null && pspTxnId === undefined) return problem('pspTxnId must be a string of at most 128 characters');
  const message = messageOf(data);
  if (step === 'initiate') {
    // The payer must be sent somewhere: `status: "success"` next to a pay page means the page was
    // made, not that the payment went through.
    if (navigation !== undefined) return { kind: 'accepted', navigation, pspTxnId, message };
    if (action === 'DEPOSIT' && status !== 'SUCCESS' && status !== 'FAILED') {
      return problem('a pending deposit needs navigation for the payer');
    }
    for (const field of action === 'DEPOSIT' ? ['orderId', 'userId'] : []) {
      if (typeof data[field] !== 'string' && typeof data[field] !== 'number') return problem(`${field} is required`);
    }
  }
  if (status === 'SUCCESS') return { kind: 'succeeded', pspTxnId, message };
  if (status === 'FAILED') return { kind: 'failed', pspTxnId, message };
  return { kind: 'accepted', navigation, pspTxnId, message };
}

function checkNavigation(value: unknown): Navigation | string {
  if (!isRecord(value)) return 'navigation must be an object';
  const { type, contentType, value: target } = value;
  if (type !== 'redirect' && type !== 'iframe') return 'navigation.type must be "redirect" or "iframe"';
  if (contentType !== 'url' && contentType !== 'html') return 'navigation.contentType must be "url" or "html"';
  if (typeof target !== 'string' || target === '') return 'navigation.value must be a non-empty string';
  if (contentType === 'url' && !isHttpUrl(target)) return 'navigation.value must be an http(s) URL';
  return { type, contentType, value: target };
}

function pspTxnIdOf(data: Record<string, unknown>): string | undefined {
  const value = data.pspTxnId;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value !== '' && value.length <= 128) return value;
  return undefined;
}

function messageOf(data: Record<string, unknown>): string | undefined {
  return typeof data.message === 'string' && data.message !== '' ? data.message.slice(0, 1000) : undefined;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where `initiate` takes a transaction (issue 3): money-safe when the outcome is unknown. */
export function initiateTarget(outcome: StepOutcome): TransactionStatus {
  switch (outcome.kind) {
    case 'accepted':
      return 'PG_ACCEPTED';
    case 'succeeded':
      return 'SUCCESS';
    case 'failed':
      return 'FAILED';
    case 'refused':
      return 'REJECTED';
    case 'broken':
      // Nothing left the sandbox: the PSP never saw it. Otherwise the PSP may have acted, so the
      // transaction waits for a webhook or a status check instead of being called failed.
      return outcome.reachedServer ? 'PG_ACCEPTED' : 'REJECTED';
  }
}

export function outcomeDetail(outcome: StepOutcome): string | null {
  switch (outcome.kind) {
    case 'refused':
      return outcome.message;
    case 'broken':
      return outcome.reachedServer ? `${outcome.message} (outcome unknown: the PSP may have received the request)` : outcome.message;
    default:
      return outcome.message ?? null;
  }
}
