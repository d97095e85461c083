import type { FastifyInstance, FastifyReply } from 'fastify';
import { credentialsOf, type Account } from './accounts.js';
import type { CubePayContext } from './context.js';
import { formatAmount } from './money.js';
import { pageUrl } from './page-sessions.js';
import { awaitsApproval } from './payout-routes.js';
import { isHttpUrl } from './request-body.js';
import { isFinal, type Transaction } from './transactions.js';

/**
 * Cube Pay's back office, for tests and demos (besides the shared /_sim/faults, /_sim/requests
 * and /_sim/webhooks). `:id` is Cube Pay's transaction_id or the merchant's tracking_id.
 *
 *   POST  /_sim/accounts                       new merchant account → its credentials
 *   PATCH /_sim/accounts/:apiKey               {key_expired?, webhook_url?, ip_allowlist?}
 *   GET   /_sim/transactions[?tracking_id=]    every transaction (card numbers masked)
 *   GET   /_sim/transactions/:id               one, with its history and the page a payer could still open
 *   POST  /_sim/transactions/:id/settle        a non-final transaction becomes successful (webhook)
 *   POST  /_sim/transactions/:id/fail          {reason?}: it becomes rejected (webhook)
 *   POST  /_sim/transactions/:id/approve       a payout waiting for approval: approve it (as the merchant API does)
 *   POST  /_sim/transactions/:id/reject        {reason?}: a payout waiting for approval is rejected
 */
export function registerControlRoutes(app: FastifyInstance, context: CubePayContext): void {
  const { accounts, lifecycle } = context;

  app.post('/_sim/accounts', async (request, reply) => {
    const body = objectOf(request.body);
    const problem = settingsProblem(body);
    if (problem !== undefined) return reply.code(400).send({ error: problem });
    const account = accounts.create({
      defaultWebhookUrl: (body.webhook_url as string | undefined) ?? null,
      ipAllowlist: (body.ip_allowlist as string[] | undefined) ?? null,
    });
    return reply.code(201).send(accountView(account));
  });

  app.patch('/_sim/accounts/:apiKey', async (request, reply) => {
    const account = accounts.get((request.params as { apiKey: string }).apiKey);
    if (account === undefined) return reply.code(404).send({ error: 'no such account' });
    const body = objectOf(request.body);
    const problem = settingsProblem(body) ?? (body.key_expired !== undefined && typeof body.key_expired !== 'boolean' ? 'key_expired must be a boolean' : undefined);
    if (problem !== undefined) return reply.code(400).send({ error: problem });
    if (typeof body.key_expired === 'boolean') account.keyExpired = body.key_expired;
    if ('webhook_url' in body) account.defaultWebhookUrl = (body.webhook_url as string | null) ?? null;
    if ('ip_allowlist' in body) account.ipAllowlist = (body.ip_allowlist as string[] | null) ?? null;
    return accountView(account);
  });

  app.get('/_sim/transactions', async (request) => {
    const { tracking_id: trackingId } = request.query as { tracking_id?: string };
    return accounts
      .all()
      .flatMap((account) => [...account.transactions.values()])
      .filter((t) => trackingId === undefined || t.trackingId === trackingId)
      .map((t) => transactionView(t, context));
  });

  app.get('/_sim/transactions/:id', async (request, reply) => {
    const found = find(request.params, reply);
    return found && transactionView(found.transaction, context);
  });

  app.post('/_sim/transactions/:id/settle', async (request, reply) => {
    const found = find(request.params, reply);
    if (found === undefined) return reply;
    if (isFinal(found.transaction)) return conflict(reply, `transaction is already ${found.transaction.status}`);
    lifecycle.move(found.account, found.transaction, 'successful', 'done');
    return transactionView(found.transaction, context);
  });

  app.post('/_sim/transactions/:id/fail', async (request, reply) => {
    const found = find(request.params, reply);
    if (found === undefined) return reply;
    if (isFinal(found.transaction)) return conflict(reply, `transaction is already ${found.transaction.status}`);
    lifecycle.move(found.account, found.transaction, 'rejected', 'done', reasonOf(request.body, 'Declined by provider'));
    return transactionView(found.transaction, context);
  });

  app.post('/_sim/transactions/:id/approve', async (request, reply) => {
    const found = find(request.params, reply);
    if (found === undefined) return reply;
    if (!awaitsApproval(found.transaction)) return conflict(reply, 'not a payout waiting for approval (has the payer submitted the payout page?)');
    lifecycle.approvePayout(found.account, found.transaction);
    return transactionView(found.transaction, context);
  });

  app.post('/_sim/transactions/:id/reject', async (request, reply) => {
    const found = find(request.params, reply);
    if (found === undefined) return reply;
    if (!awaitsApproval(found.transaction)) return conflict(reply, 'not a payout waiting for approval');
    lifecycle.move(found.account, found.transaction, 'rejected', 'done', reasonOf(request.body, 'Rejected by merchant'));
    return transactionView(found.transaction, context);
  });

  function find(params: unknown, reply: FastifyReply): { account: Account; transaction: Transaction } | undefined {
    const found = accounts.findTransaction((params as { id: string }).id);
    if (found === undefined) void reply.code(404).send({ error: 'no such transaction' });
    return found;
  }
}

function accountView(account: Account) {
  return { ...credentialsOf(account), key_expired: account.keyExpired, ip_allowlist: account.ipAllowlist };
}

/** What the back office shows: never a full card number (the simulator does not keep one). */
function transactionView(transaction: Transaction, context: CubePayContext) {
  const page = context.sessions.openPageOf(transaction);
  return {
    transaction_id: transaction.transactionId,
    tracking_id: transaction.trackingId,
    user_id: transaction.userId,
    type: transaction.type,
    kind: transaction.kind,
    mode: transaction.mode,
    status: transaction.status,
    stage: transaction.stage,
    rejected_reason: transaction.rejectedReason,
    amount: formatAmount(transaction.amount),
    currency: transaction.amount.currency,
    provider: transaction.provider,
    card: transaction.card,
    payout_account: transaction.payoutAccount,
    webhook_url: transaction.webhookUrl,
    return_url: transaction.returnUrl,
    created_at: new Date(transaction.createdAt).toISOString(),
    open_page: page === undefined ? null : pageUrl(context.options.publicBaseUrl, page.kind, page.token),
    history: transaction.history,
  };
}

function settingsProblem(body: Record<string, unknown>): string | undefined {
  if (body.webhook_url !== undefined && body.webhook_url !== null && !isHttpUrl(body.webhook_url)) return 'webhook_url must be an http(s) URL';
  const list = body.ip_allowlist;
  if (list !== undefined && list !== null && !(Array.isArray(list) && list.every((ip) => typeof ip === 'string'))) return 'ip_allowlist must be a list of addresses';
  return undefined;
}

function reasonOf(body: unknown, fallback: string): string {
  const reason = objectOf(body).reason;
  return typeof reason === 'string' && reason.trim() !== '' ? reason.slice(0, 200) : fallback;
}

function objectOf(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

function conflict(reply: FastifyReply, error: string) {
  return reply.code(409).send({ error });
}
