import { mapHost } from './egress.js';

/**
 * On a non-production environment whose host map sends a gateway's origin elsewhere (a simulator),
 * a pay page the script built on that origin (`https://api.cubepay.io/cashier/<token>`) is only
 * reachable at the mapped place too: the payer's browser must be sent where the engine's own
 * calls go. Rewrites `navigation.value` (and a redirect result's `url`) accordingly; anything
 * else, and every URL on an unmapped origin, is left as the script returned it.
 */
export function mapNavigation(value: unknown, hostMap: Readonly<Record<string, string>>): unknown {
  if (Object.keys(hostMap).length === 0 || !isRecord(value)) return value;
  if (value.__type === 'redirect' && typeof value.url === 'string') {
    const mapped = mappedUrl(value.url, hostMap);
    return mapped === undefined ? value : { ...value, url: mapped };
  }
  if (!isRecord(value.data) || !isRecord(value.data.navigation)) return value;
  const navigation = value.data.navigation;
  if (navigation.contentType !== 'url' || typeof navigation.value !== 'string') return value;
  const mapped = mappedUrl(navigation.value, hostMap);
  if (mapped === undefined) return value;
  return { ...value, data: { ...value.data, navigation: { ...navigation, value: mapped } } };
}

function mappedUrl(url: string, hostMap: Readonly<Record<string, string>>): string | undefined {
  try {
    return mapHost(hostMap, new URL(url))?.href;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
