// Hash routes: '#/env/env_123/transactions/abc' → the view registered for
// '/env/:environmentId/transactions/:txnId', with those params. A view gets a context whose
// `onLeave` callbacks run when the reader navigates away (polling timers stop there).

const routes = [];

export function route(pattern, view) {
  const names = [];
  const regex = new RegExp(
    `^${pattern.replace(/:(\w+)/g, (_m, name) => {
      names.push(name);
      return '([^/]+)';
    })}$`,
  );
  routes.push({ regex, names, view });
}

export function go(path) {
  location.hash = `#${path}`;
}

export function currentPath() {
  return location.hash.replace(/^#/, '') || '/';
}

let leaving = [];

/** Renders the view for the current hash into `target`; `guard` may redirect first (sign-in). */
export async function render(target, guard) {
  for (const fn of leaving) fn();
  leaving = [];
  const [path, search = ''] = currentPath().split('?');
  const redirect = guard(path);
  if (redirect !== undefined && redirect !== path) return go(redirect);
  for (const { regex, names, view } of routes) {
    const match = regex.exec(path);
    if (match === null) continue;
    const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
    const ctx = { params, query: new URLSearchParams(search), onLeave: (fn) => leaving.push(fn) };
    target.replaceChildren();
    target.scrollTop = 0;
    return view(target, ctx);
  }
  return go('/');
}
