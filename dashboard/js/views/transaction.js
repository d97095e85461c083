import { envApi } from '../api.js';
import { h, mount, replaceChildren, toast } from '../dom.js';
import { badge, money, terminalStatuses, time } from '../format.js';
import { useEnvironment } from '../environments.js';
import { timeline } from '../timeline.js';

const pollMs = 1500;

/** One transaction, live until it settles: its fields, refunds, and timeline of statuses and script runs. */
export async function transactionView(view, { params, onLeave }) {
  const env = await useEnvironment(params.environmentId);
  const call = envApi(env.id);
  const path = `/transactions/${encodeURIComponent(params.txnId)}`;
  const heading = h('h1', {}, 'Transaction ', h('code', {}, params.txnId));
  const body = h('div');
  mount(view, heading, body);

  let timer;
  let lastShown = '';
  async function refresh() {
    const transaction = await call('GET', path);
    // The script runs (bodies and all) are fetched again only when the status or history moved (a
    // later run that changed nothing shows on the next visit), and open <details> stay open.
    const settled = terminalStatuses.has(transaction.status);
    const shown = JSON.stringify([transaction.status, transaction.history.length]);
    if (shown !== lastShown) {
      lastShown = shown;
      const { steps } = await call('GET', `${path}/steps`);
      replaceChildren(body, summary(transaction), approval(transaction), refunds(transaction), h('section.card', {}, h('h2', {}, 'Timeline'), timeline(transaction.history, steps)));
    }
    if (settled) clearInterval(timer);
  }

  function summary(t) {
    const live = terminalStatuses.has(t.status) ? null : h('span.live', { title: 'refreshing until it settles' }, 'live');
    return h(
      'section.card',
      {},
      h('p.status-line', {}, badge(t.status), ' ', live),
      h('dl.fields', {}, [
        ['Action', `${t.action}${t.transactionType ? ` (${t.transactionType})` : ''}`],
        ['Amount', money(t.txnAmount, t.txnCurrency)],
        ['Order id', t.orderId ?? '—'],
        ['Customer id', t.customerId ?? '—'],
        ['PSP', h('a', { href: `#/env/${env.id}/psps/${t.pspId}` }, t.pspId)],
        ['PSP transaction id', t.pspTxnId ?? '—'],
        ['Refunds', t.parentTxnId ? h('a', { href: `#/env/${env.id}/transactions/${t.parentTxnId}` }, `refund of ${t.parentTxnId}`) : null],
        ['Definition', `${t.flowDefinitionId} v${t.definitionVersion}`],
        ['Created', time(t.createdAt)],
        ['Updated', time(t.updatedAt)],
      ].filter(([, v]) => v !== null).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    );
  }

  function approval(t) {
    if (t.status !== 'PENDING_FOR_APPROVAL') return null;
    const act = (verb) => async () => {
      try {
        await call('POST', `${path}/${verb}`, verb === 'reject' ? {} : undefined, { idempotencyKey: crypto.randomUUID() });
        toast(`Withdrawal ${verb === 'approve' ? 'approved' : 'rejected'}`);
        await refresh();
      } catch (err) {
        toast(err.describe?.() ?? err.message, 'error');
      }
    };
    return h('section.card.notice', {}, h('p', {}, 'This withdrawal waits for an operator.'), h('div.actions', {}, h('button.primary', { type: 'button', on: { click: act('approve') } }, 'Approve'), h('button.danger', { type: 'button', on: { click: act('reject') } }, 'Reject')));
  }

  function refunds(t) {
    if (t.refunds === undefined) return null;
    return h(
      'section.card',
      {},
      h('h2', {}, 'Refunds'),
      h('p', {}, `Refunded ${t.refunds.refundedAmount ?? '0'} · pending ${t.refunds.pendingAmount ?? '0'} · refundable ${t.refunds.refundableAmount ?? '—'}`),
      h('ul.list', {}, (t.refunds.items ?? []).map((r) => h('li', {}, h('a', { href: `#/env/${env.id}/transactions/${r.txnId}` }, r.txnId), badge(r.status), r.txnAmount))),
    );
  }

  await refresh();
  timer = setInterval(() => refresh().catch((err) => toast(err.describe?.() ?? err.message, 'error')), pollMs);
  onLeave(() => clearInterval(timer));
}
