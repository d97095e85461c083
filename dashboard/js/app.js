// Boot: the navigation, the sign-in guard and the routes of every view.
import { session, whenUnauthenticated } from './api.js';
import { h, replaceChildren } from './dom.js';
import { currentPath, go, render, route } from './router.js';
import { currentEnvironment, forgetEnvironment } from './environments.js';
import { signInView } from './views/signin.js';
import { overviewView } from './views/overview.js';
import { environmentView } from './views/environment.js';
import { pspListView, pspView } from './views/psps.js';
import { transactionListView } from './views/transactions.js';
import { transactionView } from './views/transaction.js';
import { tryDepositView } from './views/try-deposit.js';
import { deliveriesView } from './views/deliveries.js';
import { flowTargetListView, flowTargetView } from './views/flow-targets.js';

route('/signin', signInView);
route('/', overviewView);
route('/env/:environmentId', environmentView);
route('/env/:environmentId/psps', pspListView);
route('/env/:environmentId/psps/:pspId', pspView);
route('/env/:environmentId/transactions', transactionListView);
route('/env/:environmentId/transactions/:txnId', transactionView);
route('/env/:environmentId/try', tryDepositView);
route('/env/:environmentId/deliveries', deliveriesView);
route('/flow-targets', flowTargetListView);
route('/flow-targets/:targetId', flowTargetView);

const view = document.getElementById('view');
const nav = document.getElementById('nav');
const menuToggle = document.querySelector('.menu-toggle');

function navigation() {
  if (session.token() === null) return [];
  const env = currentEnvironment();
  const link = (path, label) => h('a', { href: `#${path}`, class: currentPath() === path ? 'active' : undefined }, label);
  return [
    link('/', 'Brands & environments'),
    env && [
      h('span.nav-env', { title: env.id }, `${env.brandName} / ${env.name}`),
      link(`/env/${env.id}`, 'Environment & tokens'),
      link(`/env/${env.id}/psps`, 'PSPs'),
      link(`/env/${env.id}/transactions`, 'Transactions'),
      link(`/env/${env.id}/try`, 'Try a deposit'),
      link(`/env/${env.id}/deliveries`, 'Webhook deliveries'),
    ],
    link('/flow-targets', 'Flow targets'),
    h('a', { href: '/docs', target: '_blank', rel: 'noopener' }, 'API reference'),
    h('button.link', { type: 'button', on: { click: signOut } }, 'Sign out'),
  ];
}

function signOut() {
  session.signOut();
  forgetEnvironment();
  go('/signin');
}

function showNav(open) {
  nav.classList.toggle('open', open);
  menuToggle.setAttribute('aria-expanded', String(open));
}

async function show() {
  replaceChildren(nav, navigation());
  nav.hidden = session.token() === null;
  menuToggle.hidden = session.token() === null;
  showNav(false);
  try {
    await render(view, (path) => (session.token() === null ? '/signin' : path === '/signin' ? '/' : undefined));
  } catch (err) {
    replaceChildren(view, h('p.error', {}, err.describe?.() ?? String(err)));
  }
  // The view may have chosen an environment: the navigation follows it.
  replaceChildren(nav, navigation());
}

menuToggle.addEventListener('click', () => showNav(!nav.classList.contains('open')));
whenUnauthenticated(signOut);
window.addEventListener('hashchange', show);
show();
