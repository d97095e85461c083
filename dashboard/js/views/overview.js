import { api } from '../api.js';
import { formValues, h, mount, toast } from '../dom.js';
import { time } from '../format.js';
import { secretOnce } from '../secret-once.js';

/** Brands and their environments; create either; the secret token of a new environment shows once. */
export async function overviewView(view) {
  const brands = await api('GET', '/brands');
  const environments = await Promise.all(brands.map((brand) => api('GET', `/brands/${brand.id}/environments`)));

  const brandForm = h(
    'form.inline',
    { on: { submit: createBrand } },
    h('label', {}, 'New brand', h('input', { name: 'name', required: true, placeholder: 'Acme Ltd', maxlength: 200 })),
    h('button.primary', { type: 'submit' }, 'Create brand'),
  );

  mount(
    view,
    h('h1', {}, 'Brands & environments'),
    brands.length === 0 ? h('p.muted', {}, 'No brands yet.') : null,
    ...brands.map((brand, i) => brandCard(brand, environments[i])),
    h('section.card', {}, brandForm),
  );

  function brandCard(brand, envs) {
    const envForm = h(
      'form.inline',
      { on: { submit: (event) => createEnvironment(event, brand) } },
      h('label', {}, 'New environment', h('input', { name: 'name', required: true, placeholder: 'sandbox', maxlength: 100 })),
      h('label.check', {}, h('input', { name: 'production', type: 'checkbox' }), 'production'),
      h('button', { type: 'submit' }, 'Create environment'),
    );
    return h(
      'section.card',
      { 'data-brand': brand.id },
      h('h2', {}, brand.name, ' ', h('small.id', {}, brand.id)),
      h(
        'ul.list',
        {},
        envs.map((env) =>
          h(
            'li',
            {},
            h('a', { href: `#/env/${env.id}` }, env.name),
            env.production ? h('span.badge.badge-warn', {}, 'production') : h('span.badge.badge-info', {}, 'test'),
            h('small.id', {}, env.id),
            h('small.muted', {}, `created ${time(env.createdAt)}`),
          ),
        ),
      ),
      envForm,
    );
  }

  async function createBrand(event) {
    event.preventDefault();
    try {
      const brand = await api('POST', '/brands', { name: formValues(brandForm).name });
      toast(`Brand ${brand.name} created`);
      rerender();
    } catch (err) {
      toast(err.describe?.() ?? String(err), 'error');
    }
  }

  async function createEnvironment(event, brand) {
    event.preventDefault();
    const { name, production } = formValues(event.target);
    try {
      const env = await api('POST', `/brands/${brand.id}/environments`, { name, production });
      await rerender();
      view.prepend(secretOnce(`Secret token of ${brand.name} / ${env.name}`, env.secretToken));
    } catch (err) {
      toast(err.describe?.() ?? String(err), 'error');
    }
  }

  function rerender() {
    view.replaceChildren();
    return overviewView(view);
  }
}
