import { ApiError, api, session } from '../api.js';
import { formValues, h, mount } from '../dom.js';
import { go } from '../router.js';

/** The admin token is checked against the admin API before it is kept for the tab. */
export function signInView(view) {
  const message = h('p.error', { role: 'alert' });
  const form = h(
    'form.card.signin',
    { on: { submit: signIn } },
    h('h1', {}, 'Sign in'),
    h('p.muted', {}, 'Use the engine’s admin token (CONNXT_ADMIN_TOKEN). It is kept in this tab only.'),
    h('label', {}, 'Admin token', h('input', { name: 'token', type: 'password', autocomplete: 'current-password', required: true, autofocus: true })),
    message,
    h('button.primary', { type: 'submit' }, 'Sign in'),
  );
  mount(view, form);

  async function signIn(event) {
    event.preventDefault();
    const { token } = formValues(form);
    message.textContent = '';
    try {
      await api('GET', '/brands', undefined, { token });
    } catch (err) {
      message.textContent =
        err instanceof ApiError && err.status === 401 ? 'That is not the admin token.'
        : err instanceof ApiError && err.status === 404 ? 'The admin API is off: start the engine with CONNXT_ADMIN_TOKEN.'
        : `Could not reach the engine: ${err.message}`;
      return;
    }
    session.signIn(token);
    go('/');
  }
}
