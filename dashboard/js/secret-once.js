import { h, toast } from './dom.js';

/** A secret the API shows only once: displayed with a copy button and a warning, never stored. */
export function secretOnce(label, secret) {
  const value = h('code.secret', { 'data-secret': '' }, secret);
  const copy = h('button', {
    type: 'button',
    on: {
      click: async () => {
        await navigator.clipboard?.writeText(secret).catch(() => undefined);
        toast('Copied');
      },
    },
  }, 'Copy');
  return h('div.notice', { role: 'alert' }, h('strong', {}, label), h('p', {}, 'Shown only now: keep it somewhere safe.'), h('div.secret-row', {}, value, copy));
}
