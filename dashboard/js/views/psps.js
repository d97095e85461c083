import { envApi } from '../api.js';
import { formValues, h, mount, replaceChildren, toast } from '../dom.js';
import { badge, time } from '../format.js';
import { useEnvironment } from '../environments.js';
import { go } from '../router.js';
import { schemaForm } from '../schema-form.js';

async function catalog(call) {
  const definitions = await call('GET', '/flow-types/definitions?type=PSP');
  return definitions.targets;
}

/** The environment's PSPs, and a form for a new one generated from the chosen target's credentialSchema. */
export async function pspListView(view, { params }) {
  const env = await useEnvironment(params.environmentId);
  const call = envApi(env.id);
  const [page, targets] = await Promise.all([call('GET', '/psps?limit=100'), catalog(call)]);
  const targetName = new Map(targets.map((t) => [t.id, t.name]));

  mount(
    view,
    h('h1', {}, 'PSPs'),
    h(
      'section.card',
      {},
      page.items.length === 0
        ? h('p.muted', {}, 'No PSP configured yet: add one below.')
        : h(
            'ul.list',
            {},
            page.items.map((psp) =>
              h('li', { 'data-psp': psp.id }, h('a', { href: `#/env/${env.id}/psps/${psp.id}` }, psp.name), badge(psp.status), h('span', {}, targetName.get(psp.flowTargetId) ?? psp.flowTargetId), h('small.muted', {}, time(psp.createdAt))),
            ),
          ),
    ),
    newPspForm(env, call, targets.filter((t) => t.status === 'ENABLED')),
  );
}

function newPspForm(env, call, targets) {
  const slot = h('div');
  const select = h(
    'select',
    { name: 'flowTargetId', required: true, on: { change: () => showTarget() } },
    h('option', { value: '' }, 'Choose a gateway…'),
    targets.map((t) => h('option', { value: t.id }, t.name)),
  );
  const form = h(
    'form.card.grid-form',
    { on: { submit: create }, 'data-form': 'new-psp' },
    h('h2', {}, 'New PSP'),
    h('label', {}, 'Gateway (flow target)', select),
    h('label', {}, 'Name', h('input', { name: 'name', required: true, maxlength: 255 })),
    h('label', {}, 'Description', h('input', { name: 'description', maxlength: 1000 })),
    slot,
    h('button.primary', { type: 'submit' }, 'Create PSP'),
  );
  let credentials;
  let operations = [];

  function showTarget() {
    const target = targets.find((t) => t.id === select.value);
    if (target === undefined) return slot.replaceChildren();
    credentials = schemaForm(target.credentialSchema ?? { type: 'object' }, { secret: true, name: 'credential' });
    operations = target.actions
      .filter((action) => action.definition !== null)
      .map((action) => ({ action, box: h('input', { type: 'checkbox', name: `op-${action.name}`, checked: true }) }));
    replaceChildren(
      slot,
      h('h3', {}, 'Credentials'),
      h('p.muted', {}, 'Encrypted at rest; never shown again.'),
      credentials.element,
      h('h3', {}, 'Operations'),
      operations.map(({ action, box }) => h('label.check', {}, box, action.name, h('small.hint', {}, action.definition.description ?? ''))),
    );
  }

  async function create(event) {
    event.preventDefault();
    try {
      const values = formValues(form);
      const body = {
        name: values.name,
        ...(values.description === '' ? {} : { description: values.description }),
        flowTargetId: values.flowTargetId,
        credential: JSON.stringify(credentials.collect()),
        status: 'ENABLED',
        operations: operations
          .filter(({ box }) => box.checked)
          .map(({ action }) => ({ flowActionId: action.id, flowDefinitionId: action.definition.id, status: 'ENABLED' })),
      };
      const psp = await call('POST', '/psps/external', body, { idempotencyKey: crypto.randomUUID() });
      toast(`PSP ${psp.name} created`);
      go(`/env/${env.id}/psps/${psp.id}`);
    } catch (err) {
      toast(err.describe?.() ?? err.message, 'error');
    }
  }

  return form;
}

/** One PSP: enable or disable it, replace its credentials. */
export async function pspView(view, { params }) {
  const env = await useEnvironment(params.environmentId);
  const call = envApi(env.id);
  const [psp, targets] = await Promise.all([call('GET', `/psps/${encodeURIComponent(params.pspId)}`), catalog(call)]);
  const target = targets.find((t) => t.id === psp.flowTargetId);
  const actionName = new Map((target?.actions ?? []).map((a) => [a.id, a.name]));
  const credentials = schemaForm(target?.credentialSchema ?? { type: 'object' }, { secret: true, name: 'credential' });
  const next = psp.status === 'ENABLED' ? 'DISABLED' : 'ENABLED';

  mount(
    view,
    h('h1', {}, psp.name, ' ', badge(psp.status)),
    h('p.id', {}, psp.id),
    h(
      'section.card',
      {},
      h('dl.fields', {}, [
        ['Gateway', target?.name ?? psp.flowTargetId],
        ['Description', psp.description ?? '—'],
        ['Credential', psp.credential],
        ['Created', time(psp.createdAt)],
        ['Updated', time(psp.updatedAt)],
      ].map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      h('h3', {}, 'Operations'),
      h('ul.list', {}, psp.operations.map((op) => h('li', {}, actionName.get(op.flowActionId) ?? op.flowActionId, badge(op.status), h('small.id', {}, op.flowDefinitionId)))),
      h('div.actions', {}, h('button', { type: 'button', on: { click: toggle } }, next === 'DISABLED' ? 'Disable' : 'Enable'), h('a.button', { href: `#/env/${env.id}/try?psp=${psp.id}` }, 'Try a deposit')),
    ),
    h('form.card.grid-form', { on: { submit: replaceCredential } }, h('h2', {}, 'Replace credentials'), credentials.element, h('button', { type: 'submit' }, 'Replace credentials')),
  );

  async function toggle() {
    try {
      await call('PATCH', `/psps/${psp.id}`, { status: next });
      toast(`PSP ${next === 'ENABLED' ? 'enabled' : 'disabled'}`);
      view.replaceChildren();
      await pspView(view, { params });
    } catch (err) {
      toast(err.describe?.() ?? err.message, 'error');
    }
  }

  async function replaceCredential(event) {
    event.preventDefault();
    try {
      await call('PATCH', `/psps/${psp.id}`, { credential: JSON.stringify(credentials.collect()) });
      toast('Credentials replaced');
      event.target.reset();
    } catch (err) {
      toast(err.describe?.() ?? err.message, 'error');
    }
  }
}
