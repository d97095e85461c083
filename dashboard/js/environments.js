// Which environment the operator is working in: set by every environment page, remembered for the
// tab, and shown in the navigation.
import { api } from './api.js';

const key = 'connxt.environment';

export function currentEnvironment() {
  try {
    return JSON.parse(sessionStorage.getItem(key) ?? 'null');
  } catch {
    return null;
  }
}

/** Loads the environment (and its brand's name) and makes it the current one. */
export async function useEnvironment(environmentId) {
  const known = currentEnvironment();
  if (known?.id === environmentId) return known;
  const environment = await api('GET', `/environments/${encodeURIComponent(environmentId)}`);
  const brand = await api('GET', `/brands/${encodeURIComponent(environment.brandId)}`);
  const chosen = { id: environment.id, name: environment.name, brandId: brand.id, brandName: brand.name, production: environment.production };
  sessionStorage.setItem(key, JSON.stringify(chosen));
  return chosen;
}

export function forgetEnvironment() {
  sessionStorage.removeItem(key);
}
