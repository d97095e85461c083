// A form generated from a JSON Schema object (a flow target's credentialSchema): one input per
// property, by type, with the schema's description as a hint. The engine validates what is sent
// against the same schema and answers field by field; this only shapes the values.
import { h } from './dom.js';

function typeOf(schema) {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.find((t) => t !== 'null') ?? (schema.properties ? 'object' : schema.enum ? 'string' : 'json');
}

/**
 * @param {object} schema an object schema
 * @param {{secret?: boolean, name?: string}} options secret: strings are password inputs
 * @returns {{element: HTMLElement, collect: () => object}} collect throws Error(field: message)
 */
export function schemaForm(schema, options = {}) {
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(([name, property]) =>
    field(name, property, required.has(name), options),
  );
  const element = h(
    'fieldset.schema-form',
    { 'data-schema-form': options.name ?? '' },
    fields.length === 0 ? h('p.muted', {}, 'Nothing to fill in.') : fields.map((f) => f.element),
  );
  return {
    element,
    collect() {
      const value = {};
      for (const f of fields) {
        const v = f.read();
        if (v !== undefined) value[f.name] = v;
      }
      return value;
    },
  };
}

function field(name, property, isRequired, options) {
  const type = typeOf(property);
  const label = (control) =>
    h(
      'label',
      {},
      h('span', {}, name, isRequired ? h('abbr', { title: 'required' }, ' *') : null),
      control,
      property.description ? h('small.hint', {}, property.description) : null,
    );

  if (type === 'object') {
    const nested = schemaForm(property, { ...options, name });
    return {
      name,
      element: h('fieldset.nested', {}, h('legend', {}, name), nested.element),
      read: () => {
        const value = nested.collect();
        return Object.keys(value).length === 0 && !isRequired ? undefined : value;
      },
    };
  }
  if (type === 'boolean') {
    const input = h('input', { type: 'checkbox', name, checked: property.default === true });
    return { name, element: h('label.check', {}, input, name, property.description ? h('small.hint', {}, property.description) : null), read: () => (input.checked ? true : isRequired ? false : undefined) };
  }
  if (property.enum) {
    const select = h('select', { name, required: isRequired }, isRequired ? null : h('option', { value: '' }, '—'), property.enum.map((v) => h('option', { value: String(v) }, String(v))));
    return { name, element: label(select), read: () => (select.value === '' ? undefined : property.enum.find((v) => String(v) === select.value)) };
  }
  if (type === 'integer' || type === 'number') {
    const input = h('input', { type: 'number', name, required: isRequired, step: type === 'integer' ? '1' : 'any', min: property.minimum, max: property.maximum });
    return {
      name,
      element: label(input),
      read: () => {
        if (input.value.trim() === '') return undefined;
        const number = Number(input.value);
        if (!Number.isFinite(number)) throw new Error(`${name}: is not a number`);
        return number;
      },
    };
  }
  if (type === 'string') {
    const input = h('input', {
      type: options.secret ? 'password' : property.format === 'email' ? 'email' : 'text',
      name,
      required: isRequired,
      autocomplete: options.secret ? 'new-password' : 'off',
      spellcheck: 'false',
      minlength: property.minLength,
      maxlength: property.maxLength,
    });
    return { name, element: label(input), read: () => (input.value === '' ? undefined : input.value) };
  }
  // Arrays and anything richer: typed as JSON.
  const area = h('textarea', { name, rows: 3, required: isRequired, placeholder: 'JSON', spellcheck: 'false' });
  return {
    name,
    element: label(area),
    read: () => {
      if (area.value.trim() === '') return undefined;
      try {
        return JSON.parse(area.value);
      } catch {
        throw new Error(`${name}: is not valid JSON`);
      }
    },
  };
}
