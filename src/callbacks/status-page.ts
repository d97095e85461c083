import type { TransactionStatus } from '../transactions/status.js';

const headlines: Partial<Record<TransactionStatus, string>> = {
  SUCCESS: 'Payment successful',
  FAILED: 'Payment failed',
  REJECTED: 'Payment rejected',
  ABANDONED: 'Payment abandoned',
};

/**
 * Where a payer lands when the environment has no success or failure URL: a plain page with the
 * transaction's status, so a demo or a test ends somewhere readable.
 */
export function statusPage(transactionId: string, status: TransactionStatus): string {
  const headline = headlines[status] ?? 'Payment processing';
  // Both values come from us (an id pattern and a status enum), never from the request.
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${headline}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem">
<h1>${headline}</h1>
<p>Transaction <code>${transactionId}</code> is <strong data-status="${status}">${status}</strong>.</p>
</body></html>
`;
}
