import { api } from '../api.js';
import { formValues, h, mount, toast } from '../dom.js';
import { badge, time } from '../format.js';
import { useEnvironment } from '../environments.js';
import { secretOnce } from '../secret-once.js';

/** One environment: its settings, and its secret tokens (create, rotate, revoke). */
export async function environmentView(view, { params }) {
  const chosen = await useEnvironment(params.environmentId);
  const base = `/environments/${encodeURIComponent(chosen.id)}`;
  const [environment, tokens] = await Promise.all([api('GET', base), api('GET', `${base}/tokens`)]);
  const revealed = h('div', { 'data-reveal': '' });

  const settings = h(
    'form.card.grid-form',
    { on: { submit: saveSettings } },
    h('h2', {}, 'Settings'),
    urlField('successRedirectUrl', 'Success redirect URL', environment.successRedirectUrl),
    urlField('failureRedirectUrl', 'Failure redirect URL', environment.failureRedirectUrl),
    urlField('webhookUrl', 'Merchant webhook URL', environment.webhookUrl),
    h('button', { type: 'submit' }, 'Save settings'),
  );

  const rotateForm = h(
    'form.inline',
    { on: { submit: rotate } },
    h('label', {}, 'Grace period (seconds)', h('input', { name: 'graceSeconds', type: 'number', min: 0, step: 1, required: true, value: '86400' })),
    h('button', { type: 'submit' }, 'Rotate tokens'),
  );

  mount(
    view,
    h('h1', {}, `${chosen.brandName} / ${environment.name}`, ' ', environment.production ? badge('production') : null),
    h('p.id', {}, environment.id),
    revealed,
    h(
      'section.card',
      {},
      h('h2', {}, 'Secret tokens'),
      h('p.muted', {}, 'Merchants send one as X-SECRET-TOKEN. Only a prefix is ever shown after creation.'),
      h(
        'div.table-wrap',
        {},
        h(
          'table',
          {},
          h('thead', {}, h('tr', {}, ['Prefix', 'Status', 'Created', 'Expires', 'Last used', ''].map((c) => h('th', {}, c)))),
          h(
            'tbody',
            {},
            tokens.map((token) =>
              h(
                'tr',
                { 'data-token': token.id },
                h('td', {}, h('code', {}, `${token.prefix}…`)),
                h('td', {}, badge(token.status)),
                h('td', {}, time(token.createdAt)),
                h('td', {}, time(token.expiresAt)),
                h('td', {}, time(token.lastUsedAt)),
                h('td', {}, token.status === 'REVOKED' ? null : h('button.danger', { type: 'button', on: { click: () => revoke(token) } }, 'Revoke')),
              ),
            ),
          ),
        ),
      ),
      h('div.actions', {}, h('button.primary', { type: 'button', on: { click: createToken } }, 'Create token'), rotateForm),
    ),
    settings,
  );

  function urlField(name, label, value) {
    return h('label', {}, label, h('input', { name, type: 'url', value: value ?? '', placeholder: 'https://…' }));
  }

  async function act(work) {
    try {
      await work();
    } catch (err) {
      toast(err.describe?.() ?? String(err), 'error');
    }
  }

  function reshow(secretLabel, secret) {
    view.replaceChildren();
    return environmentView(view, { params }).then(() => {
      if (secret !== undefined) view.querySelector('[data-reveal]')?.append(secretOnce(secretLabel, secret));
    });
  }

  function createToken() {
    return act(async () => {
      const token = await api('POST', `${base}/tokens`);
      await reshow('New secret token', token.secretToken);
    });
  }

  function rotate(event) {
    event.preventDefault();
    return act(async () => {
      // An emptied field is the default day, never 0 (which would end every live token at once).
      const given = formValues(rotateForm).graceSeconds;
      const graceSeconds = given === '' ? 86400 : Number(given);
      const { token } = await api('POST', `${base}/tokens/rotate`, { graceSeconds });
      await reshow(`New secret token (the others expire in ${graceSeconds} s)`, token.secretToken);
    });
  }

  function revoke(token) {
    if (!confirm(`Revoke ${token.prefix}…? Requests with it fail at once.`)) return;
    return act(async () => {
      await api('POST', `${base}/tokens/${token.id}/revoke`);
      toast('Token revoked');
      await reshow();
    });
  }

  function saveSettings(event) {
    event.preventDefault();
    return act(async () => {
      const values = formValues(settings);
      const patch = Object.fromEntries(['successRedirectUrl', 'failureRedirectUrl', 'webhookUrl'].map((k) => [k, values[k] === '' ? null : values[k]]));
      await api('PATCH', base, patch);
      toast('Settings saved');
    });
  }
}
