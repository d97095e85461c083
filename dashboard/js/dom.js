// Builds elements from data without ever parsing it as markup: every value lands in textContent or
// an attribute, so a name, a log line or a gateway's answer can only ever show as text.

/**
 * h('tag.class', {attrs, on: {click}}, ...children). Children are nodes, strings, numbers, or
 * arrays of them; null, undefined and false are skipped.
 */
export function h(spec, attrs = {}, ...children) {
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag || 'div');
  if (classes.length > 0) el.className = classes.join(' ');
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'on') for (const [event, handler] of Object.entries(value)) el.addEventListener(event, handler);
    else if (name === 'class') el.className = [el.className, value].filter(Boolean).join(' ');
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name === 'value' || name === 'checked' || name === 'disabled' || name === 'hidden') el[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Adds children to an element, skipping null, undefined and false (native append would print them). */
export function mount(el, ...children) {
  return append(el, children);
}

export function replaceChildren(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** Only http(s) links leave the dashboard: a script's answer could carry a javascript: URL. */
export function safeUrl(value) {
  try {
    const url = new URL(String(value), location.href);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** A form's named fields as strings (checkboxes as booleans), trimmed. */
export function formValues(form) {
  const values = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    values[el.name] = el.type === 'checkbox' ? el.checked : el.value.trim();
  }
  return values;
}

let toastTimer;
/** A short message at the bottom of the screen; errors stay until the next one. */
export function toast(message, kind = 'info') {
  const el = document.getElementById('toast');
  el.textContent = message;
  el.className = `toast toast-${kind}`;
  el.hidden = false;
  clearTimeout(toastTimer);
  if (kind !== 'error') toastTimer = setTimeout(() => (el.hidden = true), 4000);
}
