import { envApi, query } from '../api.js';
import { formValues, h, mount, replaceChildren, toast } from '../dom.js';
import { badge, jsonBlock, time } from '../format.js';
import { useEnvironment } from '../environments.js';
import { go } from '../router.js';
import { secretOnce } from '../secret-once.js';

/** Merchant events, newest first, each with its delivery attempts per endpoint and a redeliver button. */
export async function deliveriesView(view, ctx) {
  const { params, query: search } = ctx;
  const env = await useEnvironment(params.environmentId);
  const call = envApi(env.id);
  const filters = { transactionId: search.get('transactionId') ?? '', type: search.get('type') ?? '', cursor: search.get('cursor') ?? '' };
  const [endpoints, page] = await Promise.all([call('GET', '/webhook-endpoints'), call('GET', `/events${query({ ...filters, limit: 25 })}`)]);
  const endpointUrl = new Map(endpoints.map((e) => [e.id, e.url]));

  const form = h(
    'form.card.filters',
    { on: { submit: (event) => (event.preventDefault(), go(`/env/${env.id}/deliveries${query(formValues(form))}`)) } },
    h('label', {}, 'Transaction id', h('input', { name: 'transactionId', value: filters.transactionId })),
    h('label', {}, 'Event type', h('input', { name: 'type', value: filters.type, placeholder: 'transaction.succeeded' })),
    h('button', { type: 'submit' }, 'Filter'),
  );

  const revealed = h('div', { 'data-reveal': '' });
  const endpointForm = h(
    'form.inline',
    { on: { submit: addEndpoint } },
    h('label', {}, 'New endpoint URL', h('input', { name: 'url', type: 'url', required: true, placeholder: 'https://shop.example/webhooks' })),
    h('button', { type: 'submit' }, 'Add endpoint'),
  );

  /** The signing secret is in this answer only: it shows once, beside the form. */
  async function addEndpoint(event) {
    event.preventDefault();
    try {
      const endpoint = await call('POST', '/webhook-endpoints', { url: formValues(endpointForm).url });
      view.replaceChildren();
      await deliveriesView(view, ctx);
      view.querySelector('[data-reveal]')?.append(secretOnce(`Signing secret of ${endpoint.url}`, endpoint.secret));
    } catch (err) {
      toast(err.describe?.() ?? err.message, 'error');
    }
  }

  mount(
    view,
    h('h1', {}, 'Webhook deliveries'),
    h(
      'section.card',
      {},
      h('h2', {}, 'Endpoints'),
      endpoints.length === 0
        ? h('p.muted', {}, 'No webhook endpoint yet: events are kept, and delivered to endpoints added from now on.')
        : h('ul.list', {}, endpoints.map((e) => h('li', {}, h('code', {}, e.url), badge(e.enabled ? 'ENABLED' : 'DISABLED'), h('small.id', {}, e.id)))),
      revealed,
      endpointForm,
    ),
    form,
    page.items.length === 0 ? h('p.muted', {}, 'No events match.') : h('ul.events', {}, page.items.map(eventItem)),
    page.nextCursor === null ? null : h('a.button', { href: `#/env/${env.id}/deliveries${query({ ...filters, cursor: page.nextCursor })}` }, 'Older →'),
  );

  function eventItem(event) {
    const attempts = h('div.attempts');
    const details = h(
      'details',
      { 'data-event': event.id, on: { toggle: () => details.open && loadAttempts() } },
      h('summary', {}, h('code', {}, event.type), ' ', h('a', { href: `#/env/${env.id}/transactions/${event.transactionId}` }, event.transactionId), ' ', h('time', {}, time(event.createdAt))),
      attempts,
      h('h4', {}, 'Payload'),
      jsonBlock(event.payload),
    );

    async function loadAttempts() {
      try {
        const detail = await call('GET', `/events/${event.id}`);
        replaceChildren(
          attempts,
          detail.deliveries.length === 0 ? h('p.muted', {}, 'Not delivered to any endpoint yet.') : detail.deliveries.map(endpointAttempts),
          h('button', { type: 'button', on: { click: redeliver } }, 'Redeliver'),
        );
      } catch (err) {
        toast(err.describe?.() ?? err.message, 'error');
      }
    }

    async function redeliver() {
      try {
        const queued = await call('POST', `/events/${event.id}/redeliver`, {});
        toast(`Redelivery queued to ${queued.endpointIds.length} endpoint(s)`);
        setTimeout(loadAttempts, 1500);
      } catch (err) {
        toast(err.describe?.() ?? err.message, 'error');
      }
    }
    return h('li', {}, details);
  }

  function endpointAttempts(group) {
    return h(
      'div.endpoint-attempts',
      {},
      h('p', {}, h('code', {}, endpointUrl.get(group.endpointId) ?? group.endpointId), ' ', badge(group.delivered ? 'DELIVERED' : 'NOT DELIVERED')),
      h(
        'ol.list',
        {},
        group.attempts.map((a) =>
          h('li', {}, `#${a.attempt}`, ' ', a.statusCode === null ? h('span.error', {}, a.error ?? 'no answer') : h('code', {}, String(a.statusCode)), h('small.muted', {}, ` ${a.latencyMs ?? '—'} ms · ${time(a.createdAt)}`)),
        ),
      ),
    );
  }
}
