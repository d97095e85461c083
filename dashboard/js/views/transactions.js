import { envApi, query } from '../api.js';
import { formValues, h, mount, replaceChildren } from '../dom.js';
import { badge, money, time, transactionStatuses } from '../format.js';
import { useEnvironment } from '../environments.js';
import { go } from '../router.js';

const refreshMs = 5000;

/** The environment's transactions, newest first, filtered as the API filters, refreshed while open. */
export async function transactionListView(view, { params, query: search, onLeave }) {
  const env = await useEnvironment(params.environmentId);
  const call = envApi(env.id);
  const psps = (await call('GET', '/psps?limit=100')).items;
  const filters = {
    status: search.get('status') ?? '',
    action: search.get('action') ?? '',
    pspId: search.get('pspId') ?? '',
    orderId: search.get('orderId') ?? '',
    cursor: search.get('cursor') ?? '',
  };

  const select = (name, options) =>
    h('select', { name }, h('option', { value: '' }, 'any'), options.map(([value, label]) => h('option', { value, selected: filters[name] === value }, label)));
  const form = h(
    'form.card.filters',
    { on: { submit: apply } },
    h('label', {}, 'Status', select('status', transactionStatuses.map((s) => [s, s]))),
    h('label', {}, 'Action', select('action', ['DEPOSIT', 'WITHDRAW', 'REFUND'].map((a) => [a, a]))),
    h('label', {}, 'PSP', select('pspId', psps.map((p) => [p.id, p.name]))),
    h('label', {}, 'Order id', h('input', { name: 'orderId', value: filters.orderId })),
    h('button', { type: 'submit' }, 'Filter'),
  );
  const results = h('div', { 'data-results': '' });
  mount(view, h('h1', {}, 'Transactions'), form, results);

  async function load() {
    const page = await call('GET', `/transactions${query({ ...filters, limit: 50 })}`);
    const rows = page.items.map((t) =>
      h(
        'tr',
        { 'data-txn': t.txnId, class: 'clickable', on: { click: () => go(`/env/${env.id}/transactions/${t.txnId}`) } },
        h('td', {}, h('a', { href: `#/env/${env.id}/transactions/${t.txnId}` }, t.txnId)),
        h('td', {}, badge(t.status)),
        h('td', {}, t.action),
        h('td.num', {}, money(t.txnAmount, t.txnCurrency)),
        h('td', {}, t.orderId ?? '—'),
        h('td', {}, time(t.createdAt)),
      ),
    );
    replaceChildren(
      results,
      page.items.length === 0
        ? h('p.muted', {}, 'No transactions match.')
        : h(
            'div.table-wrap',
            {},
            h('table', {}, h('thead', {}, h('tr', {}, ['Transaction', 'Status', 'Action', 'Amount', 'Order', 'Created'].map((c) => h('th', {}, c)))), h('tbody', {}, rows)),
          ),
      page.nextCursor === null ? null : h('a.button', { href: `#/env/${env.id}/transactions${query({ ...filters, cursor: page.nextCursor })}` }, 'Older →'),
    );
  }

  function apply(event) {
    event.preventDefault();
    go(`/env/${env.id}/transactions${query(formValues(form))}`);
  }

  await load();
  const timer = setInterval(() => load().catch(() => undefined), refreshMs);
  onLeave(() => clearInterval(timer));
}
