import { api } from '../api.js';
import { formValues, h, mount, toast } from '../dom.js';
import { badge, jsonBlock } from '../format.js';
import { go } from '../router.js';

const actionNames = ['DEPOSIT', 'WITHDRAW', 'REFUND'];

/** Every gateway: the built-in connectors and custom targets; a form adds a custom one. */
export async function flowTargetListView(view) {
  const targets = await api('GET', '/flow-targets');
  mount(
    view,
    h('h1', {}, 'Flow targets'),
    h(
      'section.card',
      {},
      h('ul.list', {}, targets.map((t) => h('li', { 'data-target': t.id }, h('a', { href: `#/flow-targets/${t.id}` }, t.name), badge(t.status), h('span.muted', {}, t.source), h('small.id', {}, t.id)))),
    ),
    newTargetForm(),
  );
}

function newTargetForm() {
  const scripts = Object.fromEntries(actionNames.map((name) => [name, h('textarea.code', { name, rows: 8, spellcheck: 'false', placeholder: `export async function initiate(ctx) { … }  (leave empty for no ${name})` })]));
  const form = h(
    'form.card.grid-form',
    { on: { submit: create }, 'data-form': 'new-target' },
    h('h2', {}, 'Add a custom gateway'),
    h('p.muted', {}, 'Scripts are compiled and checked before anything is stored; they run in the sandbox and may call only the allowed hosts.'),
    h('label', {}, 'Name', h('input', { name: 'name', required: true, maxlength: 100 })),
    h('label', {}, 'Allowed hosts (comma-separated)', h('input', { name: 'allowedHosts', required: true, placeholder: 'api.gateway.example' })),
    h('label', {}, 'Credential schema (JSON Schema)', h('textarea.code', { name: 'credentialSchema', rows: 6, spellcheck: 'false' }, '{\n  "type": "object",\n  "required": ["apiKey"],\n  "properties": { "apiKey": { "type": "string", "minLength": 1 } }\n}')),
    actionNames.map((name) => h('label', {}, `${name} script`, scripts[name])),
    h('button.primary', { type: 'submit' }, 'Add gateway'),
  );

  async function create(event) {
    event.preventDefault();
    const values = formValues(form);
    let credentialSchema;
    try {
      credentialSchema = JSON.parse(values.credentialSchema);
    } catch {
      return toast('credential schema: is not valid JSON', 'error');
    }
    const actions = Object.fromEntries(actionNames.filter((name) => values[name] !== '').map((name) => [name, { script: values[name] }]));
    try {
      const target = await api('POST', '/flow-targets', {
        name: values.name,
        credentialSchema,
        allowedHosts: values.allowedHosts.split(',').map((host) => host.trim()).filter(Boolean),
        actions,
      });
      toast(`Gateway ${target.name} added`);
      go(`/flow-targets/${target.id}`);
    } catch (err) {
      toast(err.describe?.() ?? err.message, 'error');
    }
  }
  return form;
}

/** One gateway: its credential schema, allowed hosts and each action's script (editable when custom). */
export async function flowTargetView(view, { params }) {
  const target = await api('GET', `/flow-targets/${encodeURIComponent(params.targetId)}`);
  const custom = target.source !== 'builtin';
  const next = target.status === 'ENABLED' ? 'DISABLED' : 'ENABLED';
  mount(
    view,
    h('h1', {}, target.logo ? h('img.logo', { src: target.logo, alt: '' }) : null, target.name, ' ', badge(target.status)),
    h('p.id', {}, target.id),
    h(
      'section.card',
      {},
      h('dl.fields', {}, [
        ['Source', target.source ?? 'builtin'],
        ['Allowed hosts', (target.allowedHosts ?? []).join(', ') || '—'],
      ].map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      h('h3', {}, 'Credential schema'),
      jsonBlock(target.credentialSchema),
      custom ? h('div.actions', {}, h('button', { type: 'button', on: { click: toggle } }, next === 'DISABLED' ? 'Disable' : 'Enable')) : null,
    ),
    target.actions.map((action) =>
      h(
        'section.card',
        { 'data-action': action.name },
        h('h2', {}, action.name, action.definition ? h('small.muted', {}, ` ${action.definition.description ?? ''} · ${action.definition.id} v${scriptOf(action)?.version ?? '?'}`) : null),
        scriptOf(action) === undefined ? h('p.muted', {}, 'Not supported by this gateway.') : custom ? scriptEditor(action) : h('pre.code', {}, scriptOf(action).script),
        modulesOf(action),
      ),
    ),
  );

  function scriptOf(action) {
    return target.scripts?.[action.name];
  }

  /** Shared gateway code the script imports (manifest "modules"), as this version keeps it. */
  function modulesOf(action) {
    const modules = Object.entries(scriptOf(action)?.modules ?? {});
    return modules.map(([name, source]) => h('details', {}, h('summary', {}, `imports ${name}`), h('pre.code', {}, source)));
  }

  function scriptEditor(action) {
    const area = h('textarea.code', { rows: 16, spellcheck: 'false', value: scriptOf(action).script });
    return h(
      'form',
      {
        on: {
          submit: async (event) => {
            event.preventDefault();
            try {
              await api('PUT', `/flow-targets/${target.id}/actions/${action.name}`, { script: area.value });
              toast(`${action.name} script saved as a new version`);
            } catch (err) {
              toast(err.describe?.() ?? err.message, 'error');
            }
          },
        },
      },
      area,
      h('button', { type: 'submit' }, 'Save a new version'),
    );
  }

  async function toggle() {
    try {
      await api('PATCH', `/flow-targets/${target.id}`, { status: next });
      view.replaceChildren();
      await flowTargetView(view, { params });
    } catch (err) {
      toast(err.describe?.() ?? err.message, 'error');
    }
  }
}
